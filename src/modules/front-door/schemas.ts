// What the front door accepts, with messages in the NHS style. One set of rules for the web journey,
// the professional referral form and the JSON API, so every door validates the same way.
import { DateTime } from 'luxon';
import { isValid as isValidPostcode, toNormalised } from 'postcode';
import { z } from 'zod';
import { isValidNhsNumber, normaliseNhsNumber } from '../../platform/identifiers/nhs-number.ts';

// Newlines and tabs are allowed in free text; other control characters are not.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/;
const TAG = /<\s*\/?\s*[a-zA-Z!][^>]*>/;

/** Free text a person writes: trimmed, limited, without control characters or markup. */
export function freeText(options: { required?: string; max: number; what: string }) {
  const what = capitalise(options.what);
  return z
    .string({ error: options.required ?? `Enter ${options.what}` })
    .transform((v) => v.replace(/\r\n?/g, '\n').trim())
    .refine((v) => !options.required || v.length > 0, options.required ?? '')
    .refine((v) => v.length <= options.max, `${what} must be ${options.max.toLocaleString('en-GB')} characters or fewer`)
    .refine((v) => !CONTROL.test(v), `${what} must not contain unusual characters (such as control characters)`)
    .refine((v) => !TAG.test(v), `${what} must not contain anything in angle brackets, like <b>`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const name = (what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(100, `${capitalise(what)} must be 100 characters or fewer`)
    .refine((v) => !CONTROL.test(v) && !TAG.test(v), `${capitalise(what)} must only include letters, spaces, hyphens and apostrophes`);

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

export const email = z.string().trim().max(254).pipe(z.email('Enter an email address in the correct format, like name@example.com'));

export const nhsNumber = z
  .string()
  .trim()
  .refine((v) => isValidNhsNumber(v), 'Enter a valid 10-digit NHS number')
  .transform((v) => normaliseNhsNumber(v) as string);

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

export const SOURCES = ['self', 'family-or-friend', 'professional', 'champion'] as const;

/** POST /api/v1/requests. Extra fields are allowed (and ignored) for forward compatibility. */
export function apiRequestSchema(now: () => Date) {
  return z.looseObject({
    source: z.enum(SOURCES, { error: 'Choose who needs help: self, family-or-friend, professional or champion' }),
    person: z.looseObject({
      givenName: name('their first name'),
      familyName: name('their last name'),
      dateOfBirth: dateOfBirth(now),
      postcode,
      phone: optional(ukPhone),
      email: optional(email),
      nhsNumber: optional(nhsNumber),
    }, { error: 'Tell us about the person who needs help' }),
    story: freeText({ required: 'Tell us what is happening', max: 5000, what: 'what is happening' }),
    whatWouldHelp: optional(freeText({ max: 2000, what: 'what would help' })),
    consentToShare: z.boolean({ error: 'Say whether we may share this within the alliance (true or false)' }),
    referrer: optional(
      z.looseObject({
        name: name('your name'),
        role: optional(z.string().trim().max(100)),
        organisation: optional(z.string().trim().max(200)),
        phone: optional(ukPhone),
        email: optional(email),
      }),
    ),
  });
}

export type ApiRequest = z.output<ReturnType<typeof apiRequestSchema>>;

export const statusQuerySchema = z.object({
  dateOfBirth: z.string({ error: 'Enter the date of birth given with the request' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'Date of birth must be like 1990-03-27'),
});

/**
 * Day, month and year fields of the NHS date input, as a YYYY-MM-DD string. The component posts
 * `prefix[day]`; answers saved by the journey use `prefix-day`; either is read.
 */
export function datePartValues(v: Record<string, unknown>, prefix: string) {
  const part = (name: string) => String(v[`${prefix}[${name}]`] ?? v[`${prefix}-${name}`] ?? '').trim();
  return { day: part('day'), month: part('month'), year: part('year') };
}

export function dateParts(prefix: string, label: string, now: () => Date) {
  return z
    .looseObject({})
    .transform((v, ctx) => {
      const { day: d, month: m, year: y } = datePartValues(v, prefix);
      if (!d && !m && !y) {
        ctx.addIssue({ code: 'custom', message: `Enter ${label}`, path: [prefix] });
        return z.NEVER;
      }
      if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) {
        ctx.addIssue({ code: 'custom', message: `${label.charAt(0).toUpperCase()}${label.slice(1)} must be a real date, like 27 3 1990`, path: [prefix] });
        return z.NEVER;
      }
      const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
      const checked = dateOfBirth(now).safeParse(iso);
      if (!checked.success) {
        ctx.addIssue({ code: 'custom', message: checked.error.issues[0]?.message ?? 'Enter a real date', path: [prefix] });
        return z.NEVER;
      }
      return checked.data;
    });
}

export function checkRequestSchema(now: () => Date) {
  const dob = dateParts('dateOfBirth', 'your date of birth', now);
  // Both fields are checked together, so the error summary lists every problem at once.
  return z.looseObject({}).transform((v, ctx) => {
    const reference = typeof v.reference === 'string' ? v.reference.trim() : '';
    if (!reference) ctx.addIssue({ code: 'custom', message: 'Enter your reference', path: ['reference'] });
    const d = dob.safeParse(v);
    if (!d.success) for (const issue of d.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    if (!reference || !d.success) return z.NEVER;
    return { reference, dateOfBirth: d.data };
  });
}

// ---- the hub team's forms ----

/** Forms with nothing but the CSRF token (claim). */
export const noFields = z.looseObject({});

export const queueFilterSchema = z.object({
  urgency: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['crisis', 'urgent', 'routine'], { error: 'Choose an urgency from the list' }).optional()),
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['received', 'contacted', 'arranging'], { error: 'Choose a status from the list' }).optional()),
  owner: z.preprocess((v) => (v === '' || v === 'all' ? undefined : v), z.enum(['me', 'unassigned'], { error: 'Choose whose requests to show' }).optional()),
  breached: z.preprocess((v) => v === 'yes' || v === 'on', z.boolean()),
  page: z.coerce.number({ error: 'Page must be a number' }).int().min(1, 'Page must be 1 or more').max(10_000, 'Page must be 10,000 or less').default(1),
});

export const attemptSchema = z.object({
  method: z.enum(['phone', 'sms', 'email', 'letter', 'in-person'], { error: 'Select how you tried to make contact' }),
  result: z.enum(['reached', 'no-answer', 'message-left', 'wrong-number'], { error: 'Select what happened' }),
  note: z.preprocess((v) => (v === '' ? undefined : v), freeText({ max: 2000, what: 'the note' }).optional()),
});

export const noteSchema = z.object({ text: freeText({ required: 'Enter a note', max: 5000, what: 'the note' }) });

export const needGroupSchema = z.object({
  needGroup: z.enum(['getting-advice', 'getting-help', 'getting-more-help', 'getting-risk-support'], { error: 'Select a need group' }),
});

export const assignSchema = z.object({ owner: z.string({ error: 'Choose someone to assign this request to' }).min(1, 'Choose someone to assign this request to') });

export const decisionSchema = z
  .object({
    decision: z.enum(['signpost', 'refer', 'care-coordination', 'crisis', 'close'], { error: 'Select a decision' }),
    serviceIds: z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().max(100))),
    serviceId: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(100).optional()),
    teamId: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(100).optional()),
    reason: z.preprocess((v) => (v === '' ? undefined : v), freeText({ max: 2000, what: 'the reason' }).optional()),
    message: z.preprocess((v) => (v === '' ? undefined : v), freeText({ max: 2000, what: 'the message' }).optional()),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'signpost' && v.serviceIds.length === 0) ctx.addIssue({ code: 'custom', path: ['serviceIds'], message: 'Select at least one service to signpost to' });
    if (v.decision === 'refer' && !v.serviceId) ctx.addIssue({ code: 'custom', path: ['serviceId'], message: 'Select the service to refer to' });
    if (v.decision === 'care-coordination' && !v.teamId) ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'Select the team to coordinate care' });
    if (['refer', 'care-coordination', 'crisis', 'close'].includes(v.decision) && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Enter the reason for this decision' });
  });

export const closeSchema = z.object({ outcome: freeText({ required: 'Enter the outcome before closing the request', max: 500, what: 'the outcome' }) });
export const reviewSchema = z.object({ note: freeText({ required: 'Enter what was learned from this breach', max: 2000, what: 'the review note' }) });
