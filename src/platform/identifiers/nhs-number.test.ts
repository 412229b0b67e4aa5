import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatNhsNumber, isValidNhsNumber, nhsCheckDigit, nhsNumberSchema, normaliseNhsNumber } from './nhs-number.ts';

// An independent statement of the rule, written out digit by digit, to compute synthetic numbers.
function withCheckDigit(nine: string): string | null {
  const d = nine.split('').map(Number);
  const sum = d[0]! * 10 + d[1]! * 9 + d[2]! * 8 + d[3]! * 7 + d[4]! * 6 + d[5]! * 5 + d[6]! * 4 + d[7]! * 3 + d[8]! * 2;
  const check = 11 - (sum % 11);
  if (check === 10) return null;
  return `${nine}${check === 11 ? 0 : check}`;
}

describe('NHS numbers (modulus 11)', () => {
  it('accepts valid numbers with or without spaces and hyphens in the 3-3-4 format', () => {
    // 943 476 5919 is the NHS example number; 401 023 2137 another published synthetic one.
    for (const n of ['9434765919', '943 476 5919', '943-476-5919', ' 943 476 5919 ', '4010232137', '401 023 2137']) {
      assert.equal(isValidNhsNumber(n), true, n);
    }
  });

  it('accepts numbers in the 999 test range computed from the rule', () => {
    let found = 0;
    for (let i = 0; i < 200; i++) {
      const nine = `999${String(i * 4999).padStart(6, '0')}`;
      const full = withCheckDigit(nine);
      if (!full) {
        assert.equal(nhsCheckDigit(nine), null, `${nine} has check digit 10`);
        continue;
      }
      found++;
      assert.equal(isValidNhsNumber(full), true, full);
      assert.equal(isValidNhsNumber(`${full.slice(0, 3)} ${full.slice(3, 6)} ${full.slice(6)}`), true);
      assert.equal(normaliseNhsNumber(formatNhsNumber(full)), full);
    }
    assert.ok(found > 150, `${found} valid test-range numbers`);
    assert.equal(withCheckDigit('999000001'), '9990000018');
    assert.equal(isValidNhsNumber('999 000 0018'), true);
  });

  it('refuses a wrong check digit', () => {
    for (const n of ['9434765918', '9434765910', '4010232136', '9990000017']) assert.equal(isValidNhsNumber(n), false, n);
  });

  it('refuses the wrong length, letters, odd separators and repeated digits', () => {
    for (const n of ['', '943476591', '94347659190', '943 476 59190', '94347659l9', '9434-765919', '94 3476 5919', '943.476.5919', '0000000000', '4444444444', '1111111111']) {
      assert.equal(isValidNhsNumber(n), false, n);
    }
    // 1111111111 passes the arithmetic (54 mod 11 = 10, 11 − 10 = 1) but is never issued.
    assert.equal(withCheckDigit('111111111'), '1111111111');
  });

  it('refuses every number whose check digit would be 10', () => {
    // 0·10 + 1·9 + 0 + … + 1·3 + 0·2 = 12, and 12 mod 11 = 1, so the check would be 11 − 1 = 10.
    const nine = '010000010';
    assert.equal(nhsCheckDigit(nine), null);
    assert.equal(withCheckDigit(nine), null);
    for (let d = 0; d <= 9; d++) assert.equal(isValidNhsNumber(`${nine}${d}`), false, `${nine}${d}`);
  });

  it('treats a check of 11 as the digit 0', () => {
    // Weighted sum 9·10 + 9·9 + 9·8 + 0 + … + 1·4 + 1·3 + 0·2 = 250 = 11 · 22 + 8: not 0. Search instead.
    const nine = Array.from({ length: 1000 }, (_, i) => `999${String(i).padStart(6, '0')}`).find((n) => nhsCheckDigit(n) === 0)!;
    assert.ok(nine, 'a test-range number with check digit 0');
    assert.equal(isValidNhsNumber(`${nine}0`), true);
    assert.equal(withCheckDigit(nine), `${nine}0`);
  });

  it('detects any single wrong digit in a valid number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{9}$/), fc.nat(9), fc.integer({ min: 1, max: 9 }), (nine, position, delta) => {
        const check = nhsCheckDigit(nine);
        fc.pre(check !== null && !/^(\d)\1{8}$/.test(nine));
        const valid = `${nine}${check}`;
        const digits = valid.split('');
        digits[position] = String((Number(digits[position]) + delta) % 10);
        return isValidNhsNumber(valid) && !isValidNhsNumber(digits.join(''));
      }),
    );
  });

  it('formats as 3 3 4 with spaces, and normalises to ten digits', () => {
    assert.equal(formatNhsNumber('9434765919'), '943 476 5919');
    assert.equal(formatNhsNumber('943-476-5919'), '943 476 5919');
    assert.equal(formatNhsNumber(' 12345 '), '12345', 'text that is not an NHS number is shown as typed');
    assert.equal(normaliseNhsNumber('943-476-5919'), '9434765919');
    assert.equal(normaliseNhsNumber('9434765918'), null);
  });

  it('gives a zod schema with the NHS-style message', () => {
    for (const bad of ['123', '9434765918', '']) {
      const r = nhsNumberSchema.safeParse(bad);
      assert.equal(r.success, false, bad);
      assert.equal(r.error?.issues[0]?.message, 'Enter a valid 10-digit NHS number');
    }
    assert.equal(nhsNumberSchema.safeParse(42).error?.issues[0]?.message, 'Enter a valid 10-digit NHS number');
    assert.equal(nhsNumberSchema.parse(' 943 476 5919 '), '9434765919');
  });
});
