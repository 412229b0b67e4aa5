// What the directory's forms accept, with NHS-style messages (NHS service manual: error messages).
import { z } from 'zod';
import { ACCESS_ROUTES, BANK_HOLIDAY_RULES, ICAL_DAYS, SERVICE_STATUSES } from './model.ts';

/** Empty strings from a GET form mean "not given". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v == null ? undefined : v), schema.optional());

/** A field that must be given once: a repeated query parameter is a mistake, not a list. */
const single = (message: string) => z.string({ message });

export const SEARCH_DAYS = ['today', 'tomorrow', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const SEARCH_RADII_MILES = ['1', '3', '5', '10', '25'] as const;
export const PAGE_SIZE_MAX = 50;

export const TIME_PATTERN = /^([01]?\d|2[0-3]):([0-5]\d)$/;

export const searchSchema = z
  .object({
    q: optional(single('Enter words to search for').trim().max(200, 'Search words must be 200 characters or fewer')),
    need: z.preprocess(
      (v) => (v === '' || v == null ? [] : Array.isArray(v) ? v.filter((x) => x !== '') : [v]),
      z.array(z.string().max(60, 'Select a need from the list'), { message: 'Select a need from the list' }).max(30, 'Select fewer needs'),
    ),
    postcode: optional(single('Enter a postcode, like SW9 9SL').trim().max(16, 'Enter a postcode, like SW9 9SL')),
    within: optional(z.enum(SEARCH_RADII_MILES, { message: 'Select a distance from the list' })).default('5'),
    when: optional(z.enum(['any', 'now', 'at'], { message: 'Select when you want the service to be open' })).default('any'),
    day: optional(z.enum(SEARCH_DAYS, { message: 'Select a day from the list' })),
    time: optional(single('Enter a time, like 18:30').trim().regex(TIME_PATTERN, 'Enter a real time between 00:00 and 23:59, like 18:30')),
    age: optional(
      z.coerce
        .number({ message: 'Enter an age in years, like 17' })
        .int('Enter an age in whole years, like 17')
        .min(0, 'Enter an age of 0 or more')
        .max(120, 'Enter an age of 120 or less'),
    ),
    language: optional(single('Select a language from the list').max(20, 'Select a language from the list')),
    free: optional(z.literal('yes', { message: 'Select free services only, or leave it unticked' })),
    self: optional(z.literal('yes', { message: 'Select self-referral, or leave it unticked' })),
    page: optional(
      z.coerce.number({ message: 'Enter a page number' }).int('Enter a page number').min(1, 'Enter a page number of 1 or more').max(1000, 'Enter a page number of 1000 or less'),
    ).default(1),
    size: optional(
      z.coerce
        .number({ message: 'Enter how many results to show a page' })
        .int('Enter how many results to show a page')
        .min(1, 'Show at least 1 result a page')
        .max(PAGE_SIZE_MAX, `Show ${PAGE_SIZE_MAX} results a page or fewer`),
    ).default(20),
  })
  .superRefine((v, ctx) => {
    if (v.when === 'at') {
      if (!v.day) ctx.addIssue({ code: 'custom', path: ['day'], message: 'Select the day you want the service to be open' });
      if (!v.time) ctx.addIssue({ code: 'custom', path: ['time'], message: 'Enter the time you want the service to be open, like 18:30' });
    }
  });

export type SearchInput = z.output<typeof searchSchema>;
export const SEARCH_FIELDS = ['q', 'need', 'postcode', 'within', 'when', 'day', 'time', 'age', 'language', 'free', 'self', 'page', 'size'] as const;

export const needHelpNowSchema = z.object({
  postcode: optional(single('Enter a postcode, like SW9 9SL').trim().max(16, 'Enter a postcode, like SW9 9SL')),
});
export const NEED_HELP_NOW_FIELDS = ['postcode'] as const;

// ---- provider admin: a service --------------------------------------------------------------

const text = (max: number, message: string) => optional(z.string().trim().max(max, message));
const time = (label: string) => optional(z.string().trim().regex(TIME_PATTERN, `Enter ${label} as a time between 00:00 and 23:59, like 09:30`));
const count = (label: string) =>
  optional(z.coerce.number({ message: `Enter ${label} as a number` }).int(`Enter ${label} as a whole number`).min(0, `Enter ${label} of 0 or more`).max(100000, `Enter ${label} of 100000 or less`));
const age = (label: string) =>
  optional(z.coerce.number({ message: `Enter the ${label} in years` }).int(`Enter the ${label} in whole years`).min(0, `Enter a ${label} of 0 or more`).max(120, `Enter a ${label} of 120 or less`));
const list = z.preprocess((v) => (v === '' || v == null ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()));

export const DAY_FIELDS = ICAL_DAYS.map((d) => d.toLowerCase()) as readonly string[];

const hoursShape = Object.fromEntries(
  DAY_FIELDS.flatMap((d) => [
    [`opens_${d}`, time('the opening time')],
    [`closes_${d}`, time('the closing time')],
  ]),
) as Record<string, ReturnType<typeof time>>;

export const serviceFormSchema = z
  .object({
    organisationId: optional(z.string().max(60)),
    name: z.string({ message: 'Enter the name of the service' }).trim().min(1, 'Enter the name of the service').max(120, 'The name must be 120 characters or fewer'),
    description: z
      .string({ message: 'Describe the service' })
      .trim()
      .min(1, 'Describe the service, so people know whether it is for them')
      .max(4000, 'The description must be 4000 characters or fewer'),
    status: z.enum(SERVICE_STATUSES, { message: 'Select whether the service is running' }),
    eligibility: text(1000, 'Who the service is for must be 1000 characters or fewer'),
    minimumAge: age('youngest age'),
    maximumAge: age('oldest age'),
    fees: text(500, 'Cost must be 500 characters or fewer'),
    free: z.enum(['yes', 'no'], { message: 'Select whether the service is free' }),
    waitTime: text(200, 'Waiting time must be 200 characters or fewer'),
    applicationProcess: text(1000, 'How to get the service must be 1000 characters or fewer'),
    howToAccess: list.pipe(z.array(z.enum(ACCESS_ROUTES, { message: 'Select how people can get the service' })).min(1, 'Select at least one way people can get the service')),
    accepting: z.enum(['yes', 'no'], { message: 'Select whether the service is accepting new referrals' }),
    phone: text(30, 'Enter a phone number of 30 characters or fewer').pipe(
      z.string().regex(/^[0-9 +()-]{3,30}$/, 'Enter a phone number, like 020 7946 0000').optional(),
    ),
    email: text(200, 'Enter an email address of 200 characters or fewer').pipe(z.email('Enter an email address in the correct format, like name@example.org').optional()),
    website: text(300, 'Enter a web address of 300 characters or fewer').pipe(z.url({ message: 'Enter a web address starting https://', protocol: /^https?$/ }).optional()),
    locationName: text(120, 'The place name must be 120 characters or fewer'),
    address1: text(200, 'The address must be 200 characters or fewer'),
    town: text(80, 'The town must be 80 characters or fewer'),
    postcode: text(10, 'Enter a postcode, like SW9 9SL'),
    accessibility: text(1000, 'Accessibility must be 1000 characters or fewer'),
    languages: text(300, 'Languages must be 300 characters or fewer'),
    needs: list.pipe(z.array(z.string().max(60)).max(30, 'Select 30 needs or fewer')),
    bankHolidays: z.enum(BANK_HOLIDAY_RULES, { message: 'Select what happens on bank holidays' }),
    capacityAvailable: count('the places available'),
    capacityMaximum: count('the most places'),
    capacityUnit: text(40, 'The unit must be 40 characters or fewer'),
    ...hoursShape,
  })
  .superRefine((v, ctx) => {
    if (v.minimumAge != null && v.maximumAge != null && v.minimumAge > v.maximumAge) {
      ctx.addIssue({ code: 'custom', path: ['maximumAge'], message: 'The oldest age must be the same as or more than the youngest age' });
    }
    const anyAddress = v.address1 || v.town || v.postcode;
    if (anyAddress) {
      if (!v.address1) ctx.addIssue({ code: 'custom', path: ['address1'], message: 'Enter the first line of the address' });
      if (!v.town) ctx.addIssue({ code: 'custom', path: ['town'], message: 'Enter the town or city' });
      if (!v.postcode) ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'Enter the postcode of the address' });
    }
    for (const d of DAY_FIELDS) {
      const o = (v as Record<string, unknown>)[`opens_${d}`];
      const c = (v as Record<string, unknown>)[`closes_${d}`];
      if (o && !c) ctx.addIssue({ code: 'custom', path: [`closes_${d}`], message: 'Enter the closing time, or clear the opening time' });
      if (c && !o) ctx.addIssue({ code: 'custom', path: [`opens_${d}`], message: 'Enter the opening time, or clear the closing time' });
    }
    if (v.capacityAvailable != null && !v.capacityUnit) ctx.addIssue({ code: 'custom', path: ['capacityUnit'], message: 'Enter what the places are, like beds or appointments' });
    if (v.capacityAvailable != null && v.capacityMaximum != null && v.capacityAvailable > v.capacityMaximum) {
      ctx.addIssue({ code: 'custom', path: ['capacityAvailable'], message: 'Places available must be the same as or fewer than the most places' });
    }
  });

export type ServiceForm = z.output<typeof serviceFormSchema>;

/** The team that answers a service's referrals through Mutual: a team id, or empty for anyone of the organisation. */
export const referralTeamSchema = z.object({ referralTeamId: z.string().trim().max(100).optional() });
