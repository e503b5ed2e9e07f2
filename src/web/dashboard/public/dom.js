// Builds DOM nodes from data. Text is only ever set as text (textContent): lead text is untrusted.

/**
 * h('p', { class: 'x', onclick: fn }, 'text', child) — attributes are set with setAttribute or as
 * listeners (on*); children are nodes or strings (made into text nodes), null/false skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'value') node.value = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces a node's children. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export const formatSeconds = (seconds) => {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
};

export const formatRate = (rate) => (rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(rate < 0.1 && rate > 0 ? 1 : 0)} %`);

export const formatMoney = (amount, currency = 'EUR') =>
  amount === null || amount === undefined ? '–' : new Intl.NumberFormat('en', { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount);

export const formatTime = (iso) => (iso ? new Date(iso).toLocaleString() : '–');
