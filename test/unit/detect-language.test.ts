import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Language } from '../../src/entities/enums.js';
import { detectLanguage } from '../../src/lib/detect-language.js';

describe(detectLanguage.name, () => {
  it('recognises each of the four languages in an ordinary enquiry', () => {
    assert.equal(detectLanguage('Guten Tag, wir brauchen eine App für unsere Fahrer und möchten ein Angebot.'), Language.DE);
    assert.equal(detectLanguage('Hello, we need a booking portal for our clinics and would like a quote.'), Language.EN);
    assert.equal(detectLanguage('Bonjour, nous avons besoin d’une application pour nos clients. Merci !'), Language.FR);
    assert.equal(detectLanguage('Hola, necesitamos una tienda online para nuestra empresa. Gracias.'), Language.ES);
  });

  it('falls back to English when nothing stands out', () => {
    assert.equal(detectLanguage('asdf qwer 1234'), Language.EN);
  });
});
