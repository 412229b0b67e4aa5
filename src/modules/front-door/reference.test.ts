import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALPHABET, checkCharacter, isValidReference, newReference, normaliseReference } from './reference.ts';

const SHAPE = /^MH-[ACDEFGHJKMNPQRTWXY34679]{4}-[ACDEFGHJKMNPQRTWXY34679]{4}$/;
const codeOf = (ref: string) => ref.replace(/^MH-/, '').replace('-', '');

describe('request references', () => {
  it('look like MH-XXXX-XXXX from an alphabet without easily confused characters', () => {
    assert.equal(ALPHABET.length, 23);
    assert.equal(new Set(ALPHABET).size, 23);
    for (const confusing of '0O1IL2Z5S8BUV') assert.ok(!ALPHABET.includes(confusing), confusing);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const ref = newReference();
      assert.match(ref, SHAPE);
      seen.add(ref);
    }
    assert.equal(seen.size, 500, 'random references do not repeat in a small sample');
  });

  it('round-trip: every new reference is valid and normalises to itself', () => {
    for (let i = 0; i < 300; i++) {
      const ref = newReference();
      assert.ok(isValidReference(ref), ref);
      assert.equal(normaliseReference(ref), ref);
    }
  });

  it('uses the random bytes it is given, skipping bytes that would bias the characters', () => {
    // 253 and above are rejected (253 = 11 × 23); 0 → A, 22 → 9, 23 → A again, 252 → 9.
    const bytes = Uint8Array.from([255, 253, 0, 22, 23, 1, 2, 3, 252, 4]);
    const ref = newReference(() => bytes);
    const body = 'A9ACDE9';
    assert.equal(ref, `MH-${body.slice(0, 4)}-${body.slice(4)}${checkCharacter(body)}`);
  });

  it('detects every single wrong character and every swap of neighbours, exhaustively for 300 references', () => {
    let tried = 0;
    for (let n = 0; n < 300; n++) {
      const code = codeOf(newReference());
      for (let i = 0; i < 8; i++) {
        for (const ch of ALPHABET) {
          if (ch === code[i]) continue;
          const changed = code.slice(0, i) + ch + code.slice(i + 1);
          assert.equal(isValidReference(changed), false, `${code} → ${changed}`);
          tried++;
        }
        if (i < 7 && code[i] !== code[i + 1]) {
          const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
          assert.equal(isValidReference(swapped), false, `${code} → ${swapped}`);
          tried++;
        }
      }
    }
    assert.ok(tried > 300 * 8 * 22, `${tried} altered references tried`);
  });

  it('detects a swap of any two characters, not only neighbours', () => {
    for (let n = 0; n < 100; n++) {
      const code = codeOf(newReference());
      for (let i = 0; i < 8; i++) {
        for (let j = i + 1; j < 8; j++) {
          if (code[i] === code[j]) continue;
          const c = [...code];
          [c[i], c[j]] = [c[j]!, c[i]!];
          assert.equal(isValidReference(c.join('')), false, `${code} → ${c.join('')}`);
        }
      }
    }
  });

  it('accepts what people type: lower case, spaces, missing hyphens, no prefix', () => {
    const ref = newReference();
    const bare = codeOf(ref);
    assert.equal(normaliseReference(ref.toLowerCase()), ref);
    assert.equal(normaliseReference(` ${bare.slice(0, 4)} ${bare.slice(4)} `), ref);
    assert.equal(normaliseReference(`mh ${bare.slice(0, 4)} ${bare.slice(4)}`), ref);
    assert.equal(normaliseReference(`mh${bare}`), ref);
    assert.equal(normaliseReference(bare), ref);
    assert.equal(normaliseReference(`MH–${bare.slice(0, 4)}–${bare.slice(4)}`), ref, 'en dashes as pasted from a letter');
    assert.equal(isValidReference(`${ref.toLowerCase().replace(/-/g, ' ')}`), true);
  });

  it('refuses text that cannot be a reference', () => {
    for (const text of ['', 'hello', 'MH-0000-0000', 'MH-ACDE-FGH', 'MH-ACDE-FGHJK', 'XX-ACDE-FGHJ', 'MH-ACDE-FGH<']) {
      assert.equal(normaliseReference(text), null, text);
      assert.equal(isValidReference(text), false, text);
    }
  });
});
