// What the Open Referral UK API accepts in its query strings (zod). A parameter the endpoint does
// not know, given twice, or malformed is a 400 problem naming it, never silently ignored or clamped.
import { z } from 'zod';
import { ICAL_DAYS } from './model.ts';

/** The most results one page may hold. A larger per_page is refused (400), not clamped, so a client learns the limit. */
export const ORUK_PER_PAGE_MAX = 100;
export const ORUK_PER_PAGE_DEFAULT = 50;
/** The largest proximity, in metres (the length of the UK), and the radius used when a postcode comes without one. */
export const ORUK_PROXIMITY_MAX = 1_000_000;
export const ORUK_PROXIMITY_DEFAULT = 10_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$|^24:00(:00)?$/;
const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

const text = (name: string) => z.string({ message: `${name} must be given once, as text` }).trim().min(1, `${name} must not be empty`).max(200, `${name} must be 200 characters or fewer`);
const id = (name: string) => z.string({ message: `${name} must be given once` }).trim().regex(UUID, `${name} must be an id (a UUID)`);
const integer = (name: string, min: number, max: number) =>
  z
    .string({ message: `${name} must be given once` })
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${name} must be ${min} or more`).max(max, `${name} must be ${max} or less`));
const time = (name: string) =>
  z
    .string({ message: `${name} must be given once` })
    .trim()
    .regex(TIME, `${name} must be a time, like 09:30 or 17:00`)
    .transform((v) => {
      const [h, m] = v.split(':').map(Number);
      return h! * 60 + m!;
    });

export const pageQuery = {
  page: integer('page', 1, 100_000).optional().default(1),
  per_page: integer('per_page', 1, ORUK_PER_PAGE_MAX).optional().default(ORUK_PER_PAGE_DEFAULT),
};

/** Filters of /services and /service_at_locations. */
const servicesShape = {
      ...pageQuery,
      text: text('text').optional(),
      search: text('search').optional(),
      taxonomy_term_id: id('taxonomy_term_id').optional(),
      taxonomy_id: id('taxonomy_id').optional(),
      organization_id: id('organization_id').optional(),
      modified_after: z
        .string({ message: 'modified_after must be given once' })
        .trim()
        .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, 'modified_after must be a date or date and time, like 2026-11-01 or 2026-11-01T09:00:00Z')
        .refine((v) => !Number.isNaN(Date.parse(v)), 'modified_after must be a real date')
        .transform((v) => new Date(Date.parse(v)))
        .optional(),
      minimum_age: integer('minimum_age', 0, 150).optional(),
      maximum_age: integer('maximum_age', 0, 150).optional(),
      postcode: z.string({ message: 'postcode must be given once' }).trim().min(2, 'postcode must be a UK postcode, like SW9 9SL, or the first part, like SW9').max(10, 'postcode must be a UK postcode, like SW9 9SL, or the first part, like SW9').optional(),
      proximity: integer('proximity', 1, ORUK_PROXIMITY_MAX).optional(),
      day: z
        .string({ message: 'day must be given once' })
        .trim()
        .transform((v) => v.toUpperCase())
        .refine((v) => (ICAL_DAYS as readonly string[]).includes(v) || DAY_NAMES.includes(v.toLowerCase()), 'day must be a day of the week, like MO or monday')
        .transform((v) => {
          const i = (ICAL_DAYS as readonly string[]).indexOf(v);
          return i >= 0 ? i : DAY_NAMES.indexOf(v.toLowerCase());
        })
        .optional(),
      start_time: time('start_time').optional(),
      end_time: time('end_time').optional(),
};

export const servicesQuerySchema = z
  .object(servicesShape)
  .superRefine((q, ctx) => {
    if (q.text && q.search) ctx.addIssue({ code: 'custom', path: ['search'], message: 'Give text or search, not both' });
    if (q.proximity != null && !q.postcode) ctx.addIssue({ code: 'custom', path: ['proximity'], message: 'proximity needs a postcode to measure from' });
    if (q.minimum_age != null && q.maximum_age != null && q.minimum_age > q.maximum_age) {
      ctx.addIssue({ code: 'custom', path: ['maximum_age'], message: 'maximum_age must be the same as or more than minimum_age' });
    }
    if (q.start_time != null && q.end_time != null && q.start_time >= q.end_time) {
      ctx.addIssue({ code: 'custom', path: ['end_time'], message: 'end_time must be after start_time' });
    }
  });
export type ServicesQuery = z.output<typeof servicesQuerySchema>;

export const pageQuerySchema = z.object(pageQuery);

const termsShape = { ...pageQuery, taxonomy_id: id('taxonomy_id').optional() };
export const termsQuerySchema = z.object(termsShape);

/** The parameters each endpoint knows: any other is refused, naming it. */
export const PARAMETERS = {
  services: Object.keys(servicesShape),
  page: Object.keys(pageQuery),
  terms: Object.keys(termsShape),
  none: [] as string[],
};
