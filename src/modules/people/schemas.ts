// What the person record's forms accept, with messages in the NHS style.
import { z } from 'zod';
import { asArray, dateOfBirthParts, email, freeText, nhsNumber, optional, personName, postcode, ukPhone } from '../../platform/http/fields.ts';
import { DISABILITY, ETHNICITY, GENDER, RELIGION, SEXUAL_ORIENTATION } from '../../platform/identifiers/equality.ts';

export const CONTACT_METHODS = [
  { value: 'phone', text: 'Phone call' },
  { value: 'sms', text: 'Text message' },
  { value: 'email', text: 'Email' },
  { value: 'letter', text: 'Letter' },
] as const;

const yesNo = (message: string) => z.enum(['yes', 'no'], { error: message });

const codeOf = (list: readonly (readonly [string, string])[], label: string) =>
  optional(z.enum(list.map(([c]) => c) as [string, ...string[]], { error: `Choose an answer for ${label}, or "Prefer not to say"` }));

/** The "Change details" form: identity, contact, preferences and equality, with the version it was opened at. */
export function detailsSchema(now: () => Date) {
  const dob = dateOfBirthParts('dateOfBirth', 'their date of birth', now);
  const fields = z
    .object({
      version: z.coerce.number({ error: 'Open the form again: it is missing its version' }).int('Open the form again: it is missing its version').min(1, 'Open the form again: it is missing its version'),
      givenName: personName('their first name'),
      familyName: personName('their last name'),
      postcode: optional(postcode),
      nhsNumber: optional(nhsNumber),
      phone: optional(ukPhone),
      email: optional(email),
      address: optional(freeText({ max: 500, what: 'the address' })),
      contactMethods: z.preprocess(asArray, z.array(z.enum(['phone', 'sms', 'email', 'letter'], { error: 'Choose ways to contact from the list' }))),
      safeTimes: optional(freeText({ max: 300, what: 'safe times' })),
      mayLeaveMessage: optional(yesNo('Select yes if we may leave a message')),
      preferredLanguage: optional(freeText({ max: 100, what: 'the preferred language' })),
      interpreter: yesNo('Select yes if an interpreter is needed'),
      accessNeeds: optional(freeText({ max: 1000, what: 'access needs' })),
      ethnicity: codeOf(ETHNICITY, 'ethnic group'),
      gender: codeOf(GENDER, 'gender'),
      sexualOrientation: codeOf(SEXUAL_ORIENTATION, 'sexual orientation'),
      religion: codeOf(RELIGION, 'religion or belief'),
      disability: codeOf(DISABILITY, 'disability'),
    })
    .superRefine((v, ctx) => {
      const needsPhone = v.contactMethods.includes('phone') || v.contactMethods.includes('sms');
      if (needsPhone && !v.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'Enter a phone number, or untick phone and text' });
      if (v.contactMethods.includes('email') && !v.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'Enter an email address, or untick email' });
      if (v.contactMethods.includes('letter') && !v.address) ctx.addIssue({ code: 'custom', path: ['address'], message: 'Enter an address for letters, or untick letter' });
    });
  // Fields and date together, so the error summary lists every problem at once, in page order.
  return z.looseObject({}).transform((input, ctx) => {
    const d = dob.safeParse(input);
    const f = fields.safeParse(input);
    const issues = [...(f.success ? [] : f.error.issues), ...(d.success ? [] : d.error.issues)];
    const order = ['version', 'givenName', 'familyName', 'dateOfBirth', 'postcode', 'nhsNumber'];
    const rank = (p: PropertyKey | undefined) => {
      const i = order.indexOf(String(p));
      return i === -1 ? order.length : i;
    };
    for (const issue of issues.sort((a, b) => rank(a.path[0]) - rank(b.path[0]))) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    if (!f.success || !d.success) return z.NEVER;
    return { ...f.data, dateOfBirth: d.data };
  });
}
export type DetailsForm = z.output<ReturnType<typeof detailsSchema>>;

/** Is the other record the same person? With how the practitioner checked. */
export const duplicateDecisionSchema = z.object({
  same: yesNo('Select yes if these records are the same person'),
  note: freeText({ required: 'Enter how you checked', min: 10, max: 1000, what: 'how you checked' }),
});

export const unmergeSchema = z.object({
  reason: freeText({ required: 'Enter why this merge should be undone', min: 10, max: 1000, what: 'the reason' }),
});

export const BREAK_GLASS_REASONS = [
  { value: 'urgent-care', text: 'Urgent care: the person needs help now and their own team cannot be reached' },
  { value: 'safeguarding', text: 'A safeguarding concern about the person or someone else' },
  { value: 'joining-care', text: 'My team is about to be involved (for example, a referral is on its way)' },
  { value: 'other', text: 'Another reason' },
] as const;

/** Break glass: why, in words, long enough to be a reason a reviewer can judge. */
export const breakGlassSchema = z.object({
  reasonKind: z.enum(['urgent-care', 'safeguarding', 'joining-care', 'other'], { error: 'Select why you need to see this record' }),
  reason: freeText({ required: 'Enter the reason you need to see this record', min: 20, max: 1000, what: 'the reason' }),
});

export const reviewSchema = z.object({
  note: freeText({ required: 'Enter your review of this access', min: 5, max: 2000, what: 'the review' }),
});
