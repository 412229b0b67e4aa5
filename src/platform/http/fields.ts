// Form fields every module asks for about a person (names, date of birth, postcode, phone, email,
// free text), with messages in the NHS style. The same rules as the front door's schemas, so a
// person's details are valid wherever they are typed. (The front door keeps its own copies in
// src/modules/front-door/schemas.ts for now; they should come from here.)
import { DateTime } from 'luxon';
import { isValid as isValidPostcode, toNormalised } from 'postcode';
import { z } from 'zod';
import { normaliseMobile } from '../auth/one-time-code.ts';
import { isValidNhsNumber, normaliseNhsNumber } from '../identifiers/nhs-number.ts';

// Newlines and tabs are allowed in free text; other control characters are not.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/;
const TAG = /<\s*\/?\s*[a-zA-Z!][^>]*>/;

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Free text: trimmed, limited, without control characters or markup; `min` asks for a sentence, not a word. */
export function freeText(options: { required?: string; min?: number; max: number; what: string }) {
  const what = capitalise(options.what);
  return z
    .string({ error: options.required ?? `Enter ${options.what}` })
    .transform((v) => v.replace(/\r\n?/g, '\n').trim())
    .refine((v) => !options.required || v.length > 0, options.required ?? '')
    .refine((v) => !options.min || v.length === 0 || v.length >= options.min, `${what} must be ${options.min} characters or more`)
    .refine((v) => v.length <= options.max, `${what} must be ${options.max.toLocaleString('en-GB')} characters or fewer`)
    .refine((v) => !CONTROL.test(v), `${what} must not contain unusual characters (such as control characters)`)
    .refine((v) => !TAG.test(v), `${what} must not contain anything in angle brackets, like <b>`);
}

/** A name: 1 to 100 characters, no markup. */
export function personName(what: string) {
  return z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(100, `${capitalise(what)} must be 100 characters or fewer`)
    .refine((v) => !CONTROL.test(v) && !TAG.test(v), `${capitalise(what)} must only include letters, spaces, hyphens and apostrophes`);
}

/** A real date of birth, YYYY-MM-DD, not in the future, and not more than 120 years ago. */
export function dateOfBirth(now: () => Date) {
  return z
    .string({ error: 'Enter a date of birth' })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Date of birth must be a real date, like 1990-03-27')
    .refine((v) => DateTime.fromISO(v, { zone: 'utc' }).isValid, 'Date of birth must be a real date')
    .refine((v) => DateTime.fromISO(v, { zone: 'utc' }) <= DateTime.fromJSDate(now()), 'Date of birth must be in the past')
    .refine((v) => DateTime.fromISO(v, { zone: 'utc' }) >= DateTime.fromJSDate(now()).minus({ years: 120 }), 'Date of birth must be within the last 120 years');
}

/** The NHS date input's day, month and year (`prefix[day]` as posted, or `prefix-day`). */
export function datePartValues(v: Record<string, unknown>, prefix: string) {
  const part = (name: string) => String(v[`${prefix}[${name}]`] ?? v[`${prefix}-${name}`] ?? '').trim();
  return { day: part('day'), month: part('month'), year: part('year') };
}

/** A date of birth from the NHS date input, checked as dateOfBirth; the issue is reported on `prefix`. */
export function dateOfBirthParts(prefix: string, label: string, now: () => Date) {
  return z.looseObject({}).transform((v, ctx) => {
    const { day: d, month: m, year: y } = datePartValues(v, prefix);
    if (!d && !m && !y) {
      ctx.addIssue({ code: 'custom', message: `Enter ${label}`, path: [prefix] });
      return z.NEVER;
    }
    if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) {
      ctx.addIssue({ code: 'custom', message: `${capitalise(label)} must be a real date, like 27 3 1990`, path: [prefix] });
      return z.NEVER;
    }
    const checked = dateOfBirth(now).safeParse(`${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`);
    if (!checked.success) {
      ctx.addIssue({ code: 'custom', message: checked.error.issues[0]?.message ?? 'Enter a real date', path: [prefix] });
      return z.NEVER;
    }
    return checked.data;
  });
}

export const postcode = z
  .string({ error: 'Enter a postcode' })
  .trim()
  .min(1, 'Enter a postcode')
  .refine((v) => isValidPostcode(v), 'Enter a full UK postcode, like SW9 9SL')
  .transform((v) => toNormalised(v) as string);

export const ukPhone = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s()-]/g, ''))
  .refine((v) => /^(\+44|0)\d{9,10}$/.test(v), 'Enter a UK phone number, like 07700 900 982 or 020 7946 0000')
  .transform((v) => (v.startsWith('+44') ? `0${v.slice(3)}` : v));

/** A UK mobile number, for text messages: normalised to 07… with no spaces. */
export const ukMobile = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const mobile = normaliseMobile(v);
    if (mobile) return mobile;
    ctx.addIssue({ code: 'custom', message: 'Enter a UK mobile number, like 07700 900 982' });
    return z.NEVER;
  });

export const email = z.string().trim().max(254).pipe(z.email('Enter an email address in the correct format, like name@example.com'));

export const nhsNumber = z
  .string()
  .trim()
  .refine((v) => isValidNhsNumber(v), 'Enter a valid 10-digit NHS number')
  .transform((v) => normaliseNhsNumber(v) as string);

/** A field that may be left blank: blank is undefined. */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

/** Checkbox values as an array, however many were ticked. */
export const asArray = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);
