// What the places and holds forms and API accept (place-routes.ts), with messages in the NHS style.
import { z } from 'zod';
import { freeText, optional } from '../../platform/http/fields.ts';

/** Adding and changing places: team leads of the team that runs them. */
export const MANAGE = 'crisis:places:manage';

export const PLACE_KINDS = [
  { value: 'crisis-house', text: 'Crisis house', unit: 'beds' },
  { value: 'sanctuary', text: 'Sanctuary', unit: 'places' },
  { value: 'crisis-cafe', text: 'Crisis café', unit: 'seats' },
  { value: 'respite', text: 'Respite', unit: 'beds' },
  { value: 'home-treatment', text: 'Home treatment', unit: 'slots' },
] as const;
export type PlaceKindValue = (typeof PLACE_KINDS)[number]['value'];

/** How long a hold may be set to last, in hours: the choice offered, and the most allowed. */
export const HOLD_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;
export const MOST_HOLD_HOURS = 72;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const CLOSES = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

const wholeNumber = (what: string, min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .union([z.string(), z.number()], { error: `Enter ${what}` })
      .refine((v) => String(v) !== '', `Enter ${what}`)
      .refine((v) => /^\d+$/.test(String(v)), `${what[0]!.toUpperCase()}${what.slice(1)} must be a whole number, like 6`)
      .transform((v) => Number(v))
      .refine((n) => n >= min && n <= max, `${what[0]!.toUpperCase()}${what.slice(1)} must be between ${min} and ${max}`),
  );

const personId = z
  .string({ error: 'Enter the person’s record ID' })
  .trim()
  .min(1, 'Enter the person’s record ID')
  .regex(/^[0-9a-f-]{36}$/i, 'Enter the record ID as it is shown on the person’s record, like 0193a4b2-7c1d-7e2f-9a3b-4c5d6e7f8a9b')
  .transform((v) => v.toLowerCase());

/** Holding a place for a named person (form and API). */
export const holdSchema = z.object({
  personId,
  hours: z.preprocess((v) => (v === '' || v === undefined ? undefined : v), wholeNumber('how many hours to hold the place', 1, MOST_HOLD_HOURS).optional()),
  note: optional(freeText({ max: 1000, what: 'the note' })),
  episodeId: optional(z.string().trim().regex(/^[0-9a-f-]{36}$/i, 'The crisis episode is not valid: open the form from the episode again')),
  admitNow: optional(z.enum(['yes', 'no'], { error: 'Choose whether to hold the place or admit the person now' })),
});
export type HoldForm = z.output<typeof holdSchema>;

export const CANCEL_REASONS = [
  { value: 'not-needed', text: 'No longer needed: the person is safe without it' },
  { value: 'elsewhere', text: 'The person is going somewhere else' },
  { value: 'declined', text: 'The person declined the place' },
  { value: 'unsuitable', text: 'The place is not suitable for the person' },
  { value: 'other', text: 'Another reason' },
] as const;

export const cancelSchema = z
  .object({
    reasonKind: z.enum(CANCEL_REASONS.map((r) => r.value) as [string, ...string[]], { error: 'Choose why the hold is being cancelled' }),
    reason: optional(freeText({ max: 500, what: 'the reason' })),
  })
  .superRefine((v, ctx) => {
    if (v.reasonKind === 'other' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Enter why the hold is being cancelled' });
  });
export type CancelForm = z.output<typeof cancelSchema>;

export const dischargeSchema = z.object({
  note: freeText({ required: 'Enter a discharge note: where the person is going and what support is in place', min: 10, max: 2000, what: 'the discharge note' }),
});

export const admitSchema = z.object({
  note: optional(freeText({ max: 1000, what: 'the note' })),
});

/** A place, created or changed by a team lead of the team that runs it. */
export const placeSchema = z
  .object({
    version: optional(z.coerce.number().int().min(1)),
    name: freeText({ required: 'Enter the place’s name', max: 120, what: 'the name' }),
    kind: z.enum(PLACE_KINDS.map((k) => k.value) as [PlaceKindValue, ...PlaceKindValue[]], { error: 'Choose what kind of place this is' }),
    teamId: z.string({ error: 'Choose the team that runs the place' }).trim().min(1, 'Choose the team that runs the place'),
    maximum: wholeNumber('the most people it can take at once', 1, 500),
    description: optional(freeText({ max: 1000, what: 'the description' })),
    area: optional(freeText({ max: 120, what: 'the area' })),
    directoryServiceId: optional(z.string().trim().regex(/^[0-9a-f-]{36}$/i, 'Enter the directory service’s ID as shown on its page, or leave it blank')),
    holdHours: wholeNumber('how long a hold lasts', 1, MOST_HOLD_HOURS),
    hoursKind: z.enum(['always', 'daily', 'team', 'keep'], { error: 'Choose when the place is open' }),
    opens: optional(z.string().trim()),
    closes: optional(z.string().trim()),
    status: optional(z.enum(['active', 'closed'], { error: 'Choose whether the place is taking people' })),
  })
  .superRefine((v, ctx) => {
    if (v.hoursKind !== 'daily') return;
    if (!v.opens) ctx.addIssue({ code: 'custom', path: ['opens'], message: 'Enter the opening time, like 18:00' });
    else if (!TIME.test(v.opens)) ctx.addIssue({ code: 'custom', path: ['opens'], message: 'Enter the opening time in 24-hour format, like 18:00' });
    if (!v.closes) ctx.addIssue({ code: 'custom', path: ['closes'], message: 'Enter the closing time, like 24:00 for midnight' });
    else if (!CLOSES.test(v.closes)) ctx.addIssue({ code: 'custom', path: ['closes'], message: 'Enter the closing time in 24-hour format, like 23:00, or 24:00 for midnight' });
    else if (v.opens === v.closes) ctx.addIssue({ code: 'custom', path: ['closes'], message: 'The closing time must be different from the opening time' });
  });
export type PlaceForm = z.output<typeof placeSchema>;
