// The "Get help" journey (issue 4, item 1): one question per page, in the NHS service manual's
// pattern, for the person, someone asking for them, a professional or a community champion.
// Each step validates its own answers; "check your answers" validates them all again before submit.
import { z } from 'zod';
import { DISABILITY, ETHNICITY, GENDER, RELIGION, SEXUAL_ORIENTATION } from '../../platform/identifiers/equality.ts';
import type { Submission } from './submit.ts';
import { dateParts, datePartValues, email, freeText, nhsNumber, postcode, SOURCES, ukPhone } from './schemas.ts';

export type Who = (typeof SOURCES)[number];

export interface Answers {
  who?: Who;
  story?: string;
  whatWouldHelp?: string;
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  'dateOfBirth-day'?: string;
  'dateOfBirth-month'?: string;
  'dateOfBirth-year'?: string;
  postcode?: string;
  nhsNumber?: string;
  contactMethods?: string[];
  phone?: string;
  email?: string;
  address?: string;
  safeTimes?: string;
  mayLeaveMessage?: 'yes' | 'no';
  preferredLanguage?: string;
  interpreter?: 'yes' | 'no';
  accessNeeds?: string;
  ethnicity?: string;
  gender?: string;
  sexualOrientation?: string;
  religion?: string;
  disability?: string;
  referrerName?: string;
  referrerRole?: string;
  referrerOrganisation?: string;
  referrerPhone?: string;
  referrerEmail?: string;
  personAgreed?: 'yes' | 'no';
  consent?: 'yes' | 'no';
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(blankToUndefined, s.optional());
const asArray = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export const CONTACT_METHODS = [
  { value: 'phone', text: 'Phone call' },
  { value: 'sms', text: 'Text message' },
  { value: 'email', text: 'Email' },
  { value: 'letter', text: 'Letter' },
] as const;


const codeOf = (list: readonly (readonly [string, string])[], label: string) =>
  opt(z.enum(list.map(([c]) => c) as [string, ...string[]], { error: `Choose an answer for ${label}, or "Prefer not to say"` }));

const yesNo = (message: string) => z.enum(['yes', 'no'], { error: message });

export interface Step {
  slug: string;
  template: string;
  title: (a: Answers) => string;
  /** Whether this step applies to these answers (the referrer step is only for someone else). */
  applies?: (a: Answers) => boolean;
  schema: (now: () => Date) => z.ZodType<Partial<Answers>>;
}

const forSelf = (a: Answers) => a.who === 'self' || a.who === undefined;

export const STEPS: Step[] = [
  {
    slug: 'who',
    template: 'who',
    title: () => 'Who needs help?',
    schema: () => z.object({ who: z.enum(SOURCES, { error: 'Select who needs help' }) }),
  },
  {
    slug: 'what-is-happening',
    template: 'what-is-happening',
    title: (a) => (forSelf(a) ? 'What is happening for you?' : 'What is happening for them?'),
    schema: () => z.object({ story: freeText({ required: 'Tell us what is happening', max: 5000, what: 'what is happening' }) }),
  },
  {
    slug: 'what-would-help',
    template: 'what-would-help',
    title: () => 'What would help?',
    schema: () => z.object({ whatWouldHelp: opt(freeText({ max: 2000, what: 'what would help' })) }),
  },
  {
    slug: 'about',
    template: 'about',
    title: (a) => (forSelf(a) ? 'About you' : 'About the person who needs help'),
    schema: (now) =>
      z
        .looseObject({
          givenName: z.string({ error: 'Enter a first name' }).trim().min(1, 'Enter a first name').max(100, 'First name must be 100 characters or fewer'),
          familyName: z.string({ error: 'Enter a last name' }).trim().min(1, 'Enter a last name').max(100, 'Last name must be 100 characters or fewer'),
          postcode,
          nhsNumber: opt(nhsNumber),
        })
        .and(dateParts('dateOfBirth', 'a date of birth', now).transform((dateOfBirth) => ({ dateOfBirth })))
        .transform((v) => ({
          givenName: v.givenName,
          familyName: v.familyName,
          postcode: v.postcode,
          nhsNumber: v.nhsNumber,
          dateOfBirth: v.dateOfBirth,
          'dateOfBirth-day': datePartValues(v, 'dateOfBirth').day,
          'dateOfBirth-month': datePartValues(v, 'dateOfBirth').month,
          'dateOfBirth-year': datePartValues(v, 'dateOfBirth').year,
        })),
  },
  {
    slug: 'contact',
    template: 'contact',
    title: (a) => (forSelf(a) ? 'How should we contact you?' : 'How should we contact them?'),
    schema: () =>
      z
        .object({
          contactMethods: z.preprocess(asArray, z.array(z.enum(['phone', 'sms', 'email', 'letter'])).min(1, 'Select at least one way to contact')),
          phone: opt(ukPhone),
          email: opt(email),
          address: opt(freeText({ max: 500, what: 'the address' })),
          safeTimes: opt(freeText({ max: 300, what: 'safe times' })),
          mayLeaveMessage: yesNo('Select yes if we may leave a message'),
        })
        .superRefine((v, ctx) => {
          const needsPhone = v.contactMethods.includes('phone') || v.contactMethods.includes('sms');
          if (needsPhone && !v.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'Enter a phone number, or untick phone and text' });
          if (v.contactMethods.includes('email') && !v.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'Enter an email address, or untick email' });
          if (v.contactMethods.includes('letter') && !v.address) ctx.addIssue({ code: 'custom', path: ['address'], message: 'Enter an address for letters, or untick letter' });
        }),
  },
  {
    slug: 'preferences',
    template: 'preferences',
    title: () => 'Language and access needs',
    schema: () =>
      z.object({
        preferredLanguage: opt(freeText({ max: 100, what: 'the preferred language' })),
        interpreter: yesNo('Select yes if an interpreter is needed'),
        accessNeeds: opt(freeText({ max: 1000, what: 'access needs' })),
      }),
  },
  {
    slug: 'equality',
    template: 'equality',
    title: () => 'Equality questions',
    schema: () =>
      z.object({
        ethnicity: codeOf(ETHNICITY, 'ethnic group'),
        gender: codeOf(GENDER, 'gender'),
        sexualOrientation: codeOf(SEXUAL_ORIENTATION, 'sexual orientation'),
        religion: codeOf(RELIGION, 'religion or belief'),
        disability: codeOf(DISABILITY, 'disability'),
      }),
  },
  {
    slug: 'about-you',
    template: 'referrer',
    title: () => 'About you',
    applies: (a) => !forSelf(a),
    schema: () =>
      z
        .object({
          who: z.enum(SOURCES).optional(),
          referrerName: z.string({ error: 'Enter your name' }).trim().min(1, 'Enter your name').max(100),
          referrerRole: opt(freeText({ max: 100, what: 'your role or relationship' })),
          referrerOrganisation: opt(freeText({ max: 200, what: 'your organisation' })),
          referrerPhone: opt(ukPhone),
          referrerEmail: opt(email),
          personAgreed: opt(yesNo('Select whether the person has agreed')),
        })
        .superRefine((v, ctx) => {
          if (!v.referrerPhone && !v.referrerEmail) ctx.addIssue({ code: 'custom', path: ['referrerPhone'], message: 'Enter a phone number or an email address so we can reach you' });
        })
        .transform(({ who: _who, ...rest }) => rest),
  },
  {
    slug: 'consent',
    template: 'consent',
    title: () => 'Sharing your information',
    schema: () => z.object({ consent: yesNo('Select yes or no') }),
  },
];

export function applicableSteps(a: Answers): Step[] {
  return STEPS.filter((s) => !s.applies || s.applies(a));
}

export function stepBySlug(slug: string): Step | undefined {
  return STEPS.find((s) => s.slug === slug);
}

/** Where to go after a step: the next applicable step, or back to check your answers once everything is answered. */
export function nextAfter(slug: string, a: Answers, returnToCheck: boolean, now: () => Date): string {
  const steps = applicableSteps(a);
  if (returnToCheck && firstMissing(a, now) === undefined) return 'check';
  const i = steps.findIndex((s) => s.slug === slug);
  return steps[i + 1]?.slug ?? 'check';
}

/** The first step whose answers do not pass (yet): where "check your answers" sends someone who skipped ahead. */
export function firstMissing(a: Answers, now: () => Date): Step | undefined {
  for (const step of applicableSteps(a)) {
    if (!step.schema(now).safeParse({ ...a }).success) return step;
  }
  return undefined;
}

/** Check the person's agreement rule: professionals and champions must say the person agreed. */
export function agreementProblem(a: Answers): string | undefined {
  if ((a.who === 'professional' || a.who === 'champion') && a.personAgreed !== 'yes') {
    return 'The person must agree to this referral before you send it. If they are in danger now, call 999.';
  }
  return undefined;
}

export function toSubmission(a: Answers): Submission {
  const who = a.who ?? 'self';
  const methods = (a.contactMethods ?? []) as ('phone' | 'sms' | 'email' | 'letter')[];
  return {
    source: who,
    channel: 'web',
    person: {
      givenName: a.givenName ?? '',
      familyName: a.familyName ?? '',
      dateOfBirth: a.dateOfBirth ?? '',
      postcode: a.postcode ?? null,
      nhsNumber: a.nhsNumber ?? null,
      phone: a.phone ?? null,
      email: a.email ?? null,
      address: a.address ?? null,
      preferredLanguage: a.preferredLanguage ?? null,
      interpreterNeeded: a.interpreter === 'yes',
      accessNeeds: a.accessNeeds ?? null,
      contactPreferences: { methods, safeTimes: a.safeTimes ?? null, mayLeaveMessage: a.mayLeaveMessage === undefined ? null : a.mayLeaveMessage === 'yes' },
      equality: Object.fromEntries(
        Object.entries({ ethnicity: a.ethnicity, gender: a.gender, sexualOrientation: a.sexualOrientation, religion: a.religion, disability: a.disability }).filter(([, v]) => v),
      ) as Record<string, string>,
    },
    story: a.story ?? '',
    whatWouldHelp: a.whatWouldHelp ?? null,
    consentToShare: a.consent === 'yes',
    referrer:
      who === 'self'
        ? null
        : { name: a.referrerName ?? '', role: a.referrerRole ?? null, organisation: a.referrerOrganisation ?? null, phone: a.referrerPhone ?? null, email: a.referrerEmail ?? null },
    personAgreed: a.personAgreed === 'yes',
  };
}
