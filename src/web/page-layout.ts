import type { Language } from '../entities/enums.js';
import { FORM_TEXTS } from './form-texts.js';
import { html, trusted, type SafeHtml } from './html.js';
import { PAGE_LANGUAGES } from './page-language.js';

// Inline, so the page needs nothing from anywhere else; readable from 320px phones up.
const STYLE = trusted(`
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f5f5f2}
main{max-width:40rem;margin:0 auto;padding:1.25rem 1rem 3rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 .75rem}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem .75rem;margin:0;padding:0;font-size:.95rem}
nav a{color:#1d4f91}
nav a[aria-current]{font-weight:700;color:#1a1a1a;text-decoration:none}
.field{margin:0 0 1.1rem}
label{display:block;font-weight:600;margin-bottom:.3rem}
.note{font-weight:400;color:#555}
.hint{margin:.2rem 0 .35rem;color:#555;font-size:.92rem}
input[type=text],input[type=email],textarea,select{width:100%;font:inherit;padding:.6rem .7rem;border:1px solid #767676;border-radius:.35rem;background:#fff;color:inherit}
textarea{min-height:9rem;resize:vertical}
input:focus,textarea:focus,select:focus,button:focus,a:focus{outline:3px solid #f4b400;outline-offset:2px}
input[aria-invalid=true],textarea[aria-invalid=true],select[aria-invalid=true]{border-color:#b00020;border-width:2px}
.error{color:#b00020;font-weight:600;margin:.35rem 0 0}
.check{display:flex;gap:.6rem;align-items:flex-start}
.check input{width:1.35rem;height:1.35rem;margin:.15rem 0 0;flex:none}
.check label{font-weight:400;margin:0}
button{font:inherit;font-weight:600;padding:.75rem 1.5rem;border:0;border-radius:.35rem;background:#1d4f91;color:#fff;cursor:pointer;width:100%}
@media (min-width:36rem){button{width:auto}}
.summary{border:2px solid #b00020;border-radius:.35rem;background:#fff;padding:.75rem 1rem;margin:0 0 1.25rem}
.summary h2{font-size:1.05rem;margin:0 0 .4rem}
.summary ul{margin:0;padding-left:1.2rem}
.summary a{color:#b00020}
.trap{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
`);

/** The shell every visitor page shares: language, viewport, inline CSS, the language links. */
export function pageLayout(options: { language: Language; title: string; path: string; body: SafeHtml }): string {
  const { language, title, path, body } = options;
  const texts = FORM_TEXTS[language];
  const links = PAGE_LANGUAGES.map((code) => {
    const name = FORM_TEXTS[code].languageName;
    return html`<li><a href="${path}?lang=${code}" lang="${code}" hreflang="${code}"${code === language ? trusted(' aria-current="page"') : ''}>${name}</a></li>`;
  });
  return html`<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<nav aria-label="${texts.languageNav}"><ul>${links}</ul></nav>
${body}
</main>
</body>
</html>
`.value;
}
