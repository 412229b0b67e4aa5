// What the front door accepts, with messages in the NHS style. One set of rules for the web journey,
// the professional referral form and the JSON API, so every door validates the same way.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { ALPHABET } from './reference.ts';
import { email, nhsNumber, postcode, ukPhone } from '../../platform/http/fields.ts';

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

// The same field rules as every form's (platform/http/fields.ts).
export { email, nhsNumber, postcode, ukPhone } from '../../platform/http/fields.ts';

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

export const SOURCES = ['self', 'family-or-friend', 'professional', 'champion'] as const;

/** POST /api/v1/requests. Extra fields are allowed (and ignored) for forward compatibility. */
export function apiRequestSchema(now: () => Date) {
  // The descriptions (`meta`) go into the OpenAPI description, which is generated from this schema.
  return z.looseObject({
    source: z.enum(SOURCES, { error: 'Choose who needs help: self, family-or-friend, professional or champion' }).meta({ description: 'Who is asking: the person themselves, someone they know, a professional or a community champion.' }),
    person: z
      .looseObject({
        givenName: name('their first name'),
        familyName: name('their last name'),
        dateOfBirth: dateOfBirth(now).meta({ description: 'YYYY-MM-DD; a real date, not in the future, within the last 120 years.' }),
        postcode: postcode.meta({ description: 'A full UK postcode.' }),
        phone: optional(ukPhone).meta({ description: 'A UK phone number.' }),
        email: optional(email),
        nhsNumber: optional(nhsNumber).meta({ description: 'Ten digits that pass the modulus 11 check; spaces or hyphens only between the 3-3-4 groups.' }),
      }, { error: 'Tell us about the person who needs help' })
      .meta({ description: 'The person who needs help.' }),
    story: freeText({ required: 'Tell us what is happening', max: 5000, what: 'what is happening' }).meta({
      description: 'What is happening, in their own words: at most 5,000 characters, no control characters, nothing in angle brackets. Screened for risk.',
    }),
    whatWouldHelp: optional(freeText({ max: 2000, what: 'what would help' })).meta({ description: 'At most 2,000 characters.' }),
    consentToShare: z.boolean({ error: 'Say whether we may share this within the alliance (true or false)' }).meta({ description: 'Whether the request may be shared with services in the alliance.' }),
    referrer: optional(
      z.looseObject({
        name: name('your name'),
        role: optional(z.string().trim().max(100)),
        organisation: optional(z.string().trim().max(200)),
        phone: optional(ukPhone),
        email: optional(email),
      }),
    ).meta({ description: 'Whoever asks on the person\'s behalf; the acknowledgement goes to them.' }),
  });
}

export type ApiRequest = z.output<ReturnType<typeof apiRequestSchema>>;

export const statusQuerySchema = z.object({
  dateOfBirth: z.string({ error: 'Enter the date of birth given with the request' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'Date of birth must be like 1990-03-27'),
});

// ---- what the JSON API answers: the handlers' return types and the OpenAPI description both come from these ----

const reference = z
  .string()
  .regex(new RegExp(`^MH-[${ALPHABET}]{4}-[${ALPHABET}]{4}$`))
  .meta({ description: 'The request\'s reference: MH-, then eight characters in two groups of four, the last a check character.' });

export const REQUEST_STATUSES = ['received', 'contacted', 'arranging', 'closed'] as const;

/** 201 to POST /api/v1/requests, and the same again for a repeated Idempotency-Key. */
export const apiAcceptedSchema = z.object({
  reference,
  status: z.literal('received'),
  urgency: z.enum(['crisis', 'urgent', 'routine']).meta({ description: 'From risk screening of the text: crisis (contact within 1 hour), urgent (4 hours) or routine (the end of the next working day).' }),
  contactBy: z.iso.datetime().meta({ description: 'When the front door team will have contacted the person, at the latest (UTC).' }),
});
export type ApiAccepted = z.output<typeof apiAcceptedSchema>;

/** 200 to GET /api/v1/requests/{reference}/status: the status, nothing more. */
export const apiStatusSchema = z.object({ reference, status: z.enum(REQUEST_STATUSES) });
export type ApiStatus = z.output<typeof apiStatusSchema>;

/** RFC 9457 problem details, as src/platform/http/problems.ts sends them; extension members may follow. */
export const apiProblemSchema = z.looseObject({
  type: z.string().meta({ description: 'A URI reference naming the kind of problem; about:blank when the status says it all.' }),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
});

/** 400 for a body or query that fails validation: each field at fault, by its dotted path. */
export const apiValidationProblemSchema = apiProblemSchema.extend({
  type: z.literal('https://mutual.invalid/problems/validation'),
  status: z.literal(400),
  errors: z.array(z.object({ field: z.string().meta({ description: 'Dotted path, e.g. person.postcode; Idempotency-Key for the header.' }), message: z.string() })).min(1),
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

/** The queue's filters and page, as GET parameters (so every page of a filtered queue is a link). */
export const queueFilterSchema = z.object({
  urgency: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['crisis', 'urgent', 'routine'], { error: 'Choose an urgency from the list' }).optional()),
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['received', 'contacted', 'arranging'], { error: 'Choose a status from the list' }).optional()),
  owner: z.preprocess((v) => (v === '' || v === 'all' ? undefined : v), z.enum(['me', 'unassigned'], { error: 'Choose whose requests to show' }).optional()),
  source: z.preprocess((v) => (v === '' ? undefined : v), z.enum(SOURCES, { error: 'Choose who asked for help from the list' }).optional()),
  needGroup: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['getting-advice', 'getting-help', 'getting-more-help', 'getting-risk-support', 'none'], { error: 'Choose a need group from the list' }).optional(),
  ),
  breached: z.preprocess((v) => v === 'yes' || v === 'on', z.boolean()),
  page: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce
      .number({ error: 'Page must be a number, like 2' })
      .min(1, 'Page must be 1 or more')
      .max(10_000, 'Page must be 10,000 or less')
      .int('Page must be a whole number, like 2')
      .default(1),
  ),
});
export type QueueQuery = z.output<typeof queueFilterSchema>;

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
    /** For a crisis response: its priority (MHSDS); left empty, emergency when the words were flagged high risk, else very urgent. */
    crisisPriority: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['emergency', 'very-urgent', 'urgent', 'routine'], { error: 'Choose a crisis priority from the list' }).optional()),
    reason: z.preprocess((v) => (v === '' ? undefined : v), freeText({ max: 2000, what: 'the reason' }).optional()),
    message: z.preprocess((v) => (v === '' ? undefined : v), freeText({ max: 2000, what: 'the message' }).optional()),
    /** For a referral when the person did not agree to share their request within the alliance: they have agreed to this referral since. */
    personAgreed: z.preprocess((v) => v === 'yes' || v === true, z.boolean()),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'signpost' && v.serviceIds.length === 0) ctx.addIssue({ code: 'custom', path: ['serviceIds'], message: 'Select at least one service to signpost to' });
    if (v.decision === 'refer' && !v.serviceId) ctx.addIssue({ code: 'custom', path: ['serviceId'], message: 'Select the service to refer to' });
    if (v.decision === 'care-coordination' && !v.teamId) ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'Select the team to coordinate care' });
    if (['refer', 'care-coordination', 'crisis', 'close'].includes(v.decision) && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Enter the reason for this decision' });
  });

export const closeSchema = z.object({ outcome: freeText({ required: 'Enter the outcome before closing the request', max: 500, what: 'the outcome' }) });
export const withdrawSchema = z.object({ withdrawReason: freeText({ required: 'Say why the referral is withdrawn', max: 1000, what: 'the reason' }) });
export const reviewSchema = z.object({ note: freeText({ required: 'Enter what was learned from this breach', max: 2000, what: 'the review note' }) });

// ---- the referral form of signed-in professionals and champions (one page) ----

/** Whether the person agreed: champions need "yes"; a professional may refer someone who knows but has not agreed, or, with a reason, someone not told. */
export const AGREEMENT = ['yes', 'knows', 'no'] as const;
export type Agreement = (typeof AGREEMENT)[number];
export type ReferrerKind = 'professional' | 'champion';

/** The fields of the referral form in page order, so the error summary follows the page. */
const REFERRAL_FIELDS = [
  'givenName',
  'familyName',
  'dateOfBirth',
  'postcode',
  'nhsNumber',
  'phone',
  'email',
  'contactByLetter',
  'address',
  'story',
  'whatWouldHelp',
  'personAgreed',
  'reasonWithoutAgreement',
  'consent',
  'formToken',
] as const;

const isBlank = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');
const ticked = (v: unknown) => v === 'yes' || (Array.isArray(v) && v.includes('yes'));

export const FORM_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function referralSchema(now: () => Date, kind: ReferrerKind) {
  const fields = z.object({
    givenName: name('their first name'),
    familyName: name('their last name'),
    postcode,
    nhsNumber: optional(nhsNumber),
    phone: optional(ukPhone),
    email: optional(email),
    contactByLetter: z.preprocess(ticked, z.boolean()),
    address: optional(freeText({ max: 500, what: 'the address' })),
    story: freeText({ required: 'Tell us what is happening', max: 5000, what: 'what is happening' }),
    whatWouldHelp: optional(freeText({ max: 2000, what: 'what would help' })),
    personAgreed: z.enum(AGREEMENT, { error: 'Select whether the person has agreed to this referral' }),
    reasonWithoutAgreement: optional(freeText({ max: 1000, what: 'the reason' })),
    consent: z.enum(['yes', 'no'], { error: 'Select yes if they agree to their information being shared within the alliance' }),
    formToken: z.string({ error: 'This form could not be sent. Check the details and send it again.' }).regex(FORM_TOKEN, 'This form could not be sent. Check the details and send it again.'),
  });
  const dob = dateParts('dateOfBirth', 'their date of birth', now);
  // Every rule is checked at once (not field rules first, then the rest), so the error summary lists
  // every problem on the page in one go.
  return z.looseObject({}).transform((v, ctx) => {
    const problems: { path: string; message: string }[] = [];
    const f = fields.safeParse(v);
    if (!f.success) for (const issue of f.error.issues) problems.push({ path: String(issue.path[0] ?? 'formToken'), message: issue.message });
    const d = dob.safeParse(v);
    if (!d.success) problems.push({ path: 'dateOfBirth', message: d.error.issues[0]?.message ?? 'Enter their date of birth' });
    // A way to reach them: a phone number, an email address, or a letter (to an address we are given).
    const letter = ticked(v.contactByLetter);
    if (isBlank(v.phone) && isBlank(v.email) && !letter) {
      problems.push({ path: 'phone', message: 'Enter a phone number or an email address, or select "By letter"' });
    }
    if (letter && isBlank(v.address)) problems.push({ path: 'address', message: 'Enter an address for letters, or unselect "By letter"' });
    if (kind === 'champion' && (v.personAgreed === 'knows' || v.personAgreed === 'no')) {
      problems.push({ path: 'personAgreed', message: 'A champion can only refer someone who has agreed' });
    }
    if (kind === 'professional' && v.personAgreed === 'no' && isBlank(v.reasonWithoutAgreement)) {
      problems.push({ path: 'reasonWithoutAgreement', message: 'Enter why they have not been told about this referral' });
    }
    if (problems.length || !f.success || !d.success) {
      const order = (p: string) => REFERRAL_FIELDS.indexOf(p as (typeof REFERRAL_FIELDS)[number]);
      for (const p of problems.sort((a, b) => order(a.path) - order(b.path))) ctx.addIssue({ code: 'custom', message: p.message, path: [p.path] });
      return z.NEVER;
    }
    const { reasonWithoutAgreement, ...rest } = f.data;
    // A reason is kept only where it applies: referring someone who has not been told.
    return { ...rest, dateOfBirth: d.data, reasonWithoutAgreement: rest.personAgreed === 'no' ? (reasonWithoutAgreement ?? null) : null };
  });
}

export type ReferralForm = z.output<ReturnType<typeof referralSchema>>;
