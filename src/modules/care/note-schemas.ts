// What the notes' forms accept (issue 5, item 7), with messages in the NHS style.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { datePartValues, freeText, optional } from '../../platform/http/fields.ts';
import { LONDON } from '../../platform/time/calendar.ts';

export const CONTACTS = [
  { value: 'face-to-face', text: 'Face to face', words: 'face to face' },
  { value: 'phone', text: 'Phone call', words: 'a phone call' },
  { value: 'video', text: 'Video call', words: 'a video call' },
  { value: 'message', text: 'Text message, email or letter', words: 'a message' },
  { value: 'none', text: 'No contact with the person (for example, a call with their GP)', words: 'no contact' },
] as const;
export type Contact = (typeof CONTACTS)[number]['value'];

export const PRIVACY_LABEL_CHOICES = [
  { value: 'mental-health', text: 'Mental health', hint: 'The usual label for a note' },
  { value: 'general', text: 'General', hint: 'Practical things anyone the person shares their general information with may see' },
  { value: 'social-care', text: 'Social care' },
  { value: 'safety-plan', text: 'Safety plan', hint: 'Only for what belongs with the safety plan' },
] as const;

/** The lawful reasons to withhold a note from the person (UK GDPR Article 15; Data Protection Act 2018, Schedule 2 paragraph 16 and Schedule 3 paragraph 5). */
export const WITHHOLD_REASONS = [
  { value: 'third-party', text: 'It contains information about someone else, who has not agreed to it being shared', personWords: 'It contains information about someone else.' },
  { value: 'serious-harm', text: 'Seeing it would be likely to cause serious harm to the person or to someone else', personWords: 'We judged that reading it now could cause serious harm to you or someone else.' },
] as const;
export type WithholdReason = (typeof WITHHOLD_REASONS)[number]['value'];

const TIME = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/;

/** The date and time a contact happened, in London, from the NHS date input and a 24-hour time; not in the future, and within the last 90 days. */
function occurredAt(now: () => Date) {
  return z.looseObject({}).transform((v, ctx) => {
    const { day, month, year } = datePartValues(v, 'occurredDate');
    const time = String(v.occurredTime ?? '').trim();
    if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
      ctx.addIssue({ code: 'custom', message: 'Enter the date it happened, like 27 3 2026', path: ['occurredDate'] });
      return z.NEVER;
    }
    const t = TIME.exec(time);
    if (!t) {
      ctx.addIssue({ code: 'custom', message: 'Enter the time it happened in 24-hour format, like 14:30', path: ['occurredTime'] });
      return z.NEVER;
    }
    const at = DateTime.fromObject({ year: Number(year), month: Number(month), day: Number(day), hour: Number(t[1]), minute: Number(t[2]) }, { zone: LONDON });
    if (!at.isValid) {
      ctx.addIssue({ code: 'custom', message: 'The date it happened must be a real date', path: ['occurredDate'] });
      return z.NEVER;
    }
    const nowAt = DateTime.fromJSDate(now());
    if (at > nowAt.plus({ minutes: 5 })) {
      ctx.addIssue({ code: 'custom', message: 'The date and time it happened must not be in the future', path: ['occurredDate'] });
      return z.NEVER;
    }
    if (at < nowAt.minus({ days: 90 })) {
      ctx.addIssue({ code: 'custom', message: 'The date it happened must be within the last 90 days', path: ['occurredDate'] });
      return z.NEVER;
    }
    return at.toUTC().toJSDate();
  });
}

const body = freeText({ required: 'Enter the note', min: 2, max: 20_000, what: 'the note' });

/** A new note: what happened, the privacy label, and whether the person sees it (by default, yes). */
export function noteSchema(now: () => Date) {
  const fields = z
    .object({
      contact: z.enum(['face-to-face', 'phone', 'video', 'message', 'none'], { error: 'Select what kind of contact this note is about' }),
      body,
      privacyLabel: z.enum(['general', 'mental-health', 'social-care', 'safety-plan'], { error: 'Select a privacy label' }).default('mental-health'),
      visibility: z.enum(['shared', 'withheld'], { error: 'Select whether the person can see this note' }),
      reasonKind: optional(z.enum(['third-party', 'serious-harm'], { error: 'Select the reason for withholding this note' })),
      // At least 20 characters, checked below only when the note is withheld (the field is on the form either way).
      explanation: optional(freeText({ max: 2000, what: 'the explanation' })),
      personExplanation: optional(freeText({ max: 1000, what: 'what the person is told' })),
    })
    .superRefine((v, ctx) => {
      if (v.visibility !== 'withheld') return;
      if (!v.reasonKind) ctx.addIssue({ code: 'custom', path: ['reasonKind'], message: 'Select the reason for withholding this note' });
      if (!v.explanation) ctx.addIssue({ code: 'custom', path: ['explanation'], message: 'Explain why the person should not see this note, for the team lead who confirms it' });
      else if (v.explanation.length < 20) ctx.addIssue({ code: 'custom', path: ['explanation'], message: 'The explanation must be 20 characters or more' });
    });
  const when = occurredAt(now);
  // Fields and date together, so the error summary lists every problem at once, in page order.
  return z.looseObject({}).transform((input, ctx) => {
    const w = when.safeParse(input);
    const f = fields.safeParse(input);
    const order = ['contact', 'occurredDate', 'occurredTime', 'body', 'privacyLabel', 'visibility', 'reasonKind', 'explanation', 'personExplanation'];
    const rank = (p: PropertyKey | undefined) => order.indexOf(String(p));
    const issues = [...(f.success ? [] : f.error.issues), ...(w.success ? [] : w.error.issues)];
    for (const issue of issues.sort((a, b) => rank(a.path[0]) - rank(b.path[0]))) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    if (!f.success || !w.success) return z.NEVER;
    return { ...f.data, occurredAt: w.data };
  });
}
export type NoteForm = z.output<ReturnType<typeof noteSchema>>;

/** A correction: the whole note as it should read, why, and the version the form was opened at. */
export const correctionSchema = z.object({
  seq: z.coerce.number({ error: 'Open the form again: it is missing its version' }).int().min(1, 'Open the form again: it is missing its version'),
  body,
  reason: freeText({ required: 'Enter why you are correcting this note', min: 5, max: 1000, what: 'the reason' }),
});

export const addendumSchema = z.object({
  body: freeText({ required: 'Enter the addendum', min: 2, max: 20_000, what: 'the addendum' }),
});

/** A lead's decision about a withheld note. */
export const withholdingDecisionSchema = z.object({
  version: z.coerce.number({ error: 'Open the page again: the form is missing its version' }).int().min(1, 'Open the page again: the form is missing its version'),
  decision: z.enum(['confirm', 'release'], { error: 'Select whether to keep the note withheld or let the person see it' }),
  note: freeText({ required: 'Enter the reason for your decision', min: 5, max: 2000, what: 'the reason for your decision' }),
});
