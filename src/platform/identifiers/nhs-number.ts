// NHS numbers: ten digits, the last a modulus 11 check digit (NHS Data Dictionary, "NHS Number").
//
// The check: multiply the first nine digits by the weights 10, 9, …, 2 and add them up; the check
// digit is 11 minus the remainder on dividing by 11. A result of 11 means 0; a result of 10 means
// the nine digits can never form an NHS number, so no number with them is valid.
//
// People write NHS numbers in the 3-3-4 format ("943 476 5919", "943-476-5919"), so spaces and
// hyphens are accepted between the groups and nowhere else. Numbers made of one repeated digit
// (e.g. 1111111111) pass the arithmetic but are never issued, and are typed by people who don't
// know theirs, so they are rejected.
import { z } from 'zod';

const SHAPE = /^(\d{3})[\s-]*(\d{3})[\s-]*(\d{4})$/;

/** The check digit for nine digits, or null when the check is 10 (those nine digits are never issued). */
export function nhsCheckDigit(nineDigits: string): number | null {
  if (!/^\d{9}$/.test(nineDigits)) throw new Error('nhsCheckDigit needs exactly nine digits');
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/** The ten digits with the separators removed, or null if the text is not a valid NHS number. */
export function normaliseNhsNumber(text: string): string | null {
  const m = SHAPE.exec(text.trim());
  if (!m) return null;
  const digits = `${m[1]}${m[2]}${m[3]}`;
  if (/^(\d)\1{9}$/.test(digits)) return null;
  const check = nhsCheckDigit(digits.slice(0, 9));
  return check !== null && check === Number(digits[9]) ? digits : null;
}

/** Whether the text is a valid NHS number (modulus 11), allowing spaces or hyphens in the 3-3-4 format. */
export function isValidNhsNumber(text: string): boolean {
  return normaliseNhsNumber(text) !== null;
}

/**
 * An NHS number as people read it: "943 476 5919". Text that is not ten digits in the 3-3-4
 * shape comes back trimmed but otherwise as it was, so nothing typed is lost from view.
 */
export function formatNhsNumber(text: string): string {
  const m = SHAPE.exec(text.trim());
  return m ? `${m[1]} ${m[2]} ${m[3]}` : text.trim();
}

/**
 * A zod schema for an NHS number field: trims, checks modulus 11, and gives the ten digits.
 * The message follows the NHS service manual's error message pattern.
 */
export const nhsNumberSchema = z
  .string({ error: 'Enter a valid 10-digit NHS number' })
  .trim()
  .refine((v) => isValidNhsNumber(v), 'Enter a valid 10-digit NHS number')
  .transform((v) => normaliseNhsNumber(v) as string);
