// What the shared plan's forms accept, with messages in the NHS style. The plan form has a row for
// each action (`actions[0][what]`, `actions[0][due][day]`, …): existing ones, and blank rows to add
// new ones. A blank row is ignored; a half-filled one is an error on each missing field.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { datePartValues, freeText, optional } from '../../platform/http/fields.ts';
import { type FieldError, type FormErrors, formErrors } from '../../platform/http/problems.ts';

export const PRIVACY_LABEL_VALUES = ['general', 'mental-health', 'social-care', 'safety-plan'] as const;
export type PlanPrivacyLabel = (typeof PRIVACY_LABEL_VALUES)[number];

/** The most action rows one form may carry. */
export const MAX_ACTION_ROWS = 40;
/** How far ahead a review may be set: care plans are reviewed at least once a year. */
export const MAX_REVIEW_MONTHS = 12;

export interface ActionRow {
  /** The row's index in the form, for its fields' names. */
  index: number;
  /** An existing action's id; null for a new one. */
  id: string | null;
  what: string;
  who: string;
  /** A member of staff whose task it is; null: the key worker follows it up. */
  assigneeId: string | null;
  /** YYYY-MM-DD */
  dueOn: string;
  remove: boolean;
}

export interface PlanForm {
  version: number;
  whatMatters: string;
  strengths: string;
  goals: string;
  ifWorse: string;
  /** YYYY-MM-DD */
  reviewDate: string;
  privacyLabel: PlanPrivacyLabel;
  note: string | null;
  actions: ActionRow[];
}

export type PlanParse = { ok: true; data: PlanForm } | { ok: false; errors: FormErrors; values: Record<string, unknown> };

const sections = z.object({
  whatMatters: freeText({ required: 'Enter what matters to the person, in their words', max: 4000, what: 'what matters' }),
  strengths: optional(freeText({ max: 4000, what: 'strengths' })),
  goals: freeText({ required: 'Enter the person’s goals, in their words', max: 4000, what: 'the goals' }),
  ifWorse: freeText({ required: 'Enter what to do if things get worse', max: 4000, what: 'what to do if things get worse' }),
  privacyLabel: z.enum(PRIVACY_LABEL_VALUES, { error: 'Select who in the person’s network may see this plan' }),
  note: optional(freeText({ max: 1000, what: 'what changed' })),
});
const whatField = freeText({ required: 'Enter what will be done', max: 500, what: 'the action' });
const whoField = freeText({ required: 'Enter who will do it', max: 200, what: 'who will do it' });

const text = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');

/** A date from the NHS date input: null with a message when it is missing or not a real date. */
function dateFrom(values: Record<string, unknown>, prefix: string, label: string): { date: string } | { message: string } {
  const { day, month, year } = datePartValues(values, prefix);
  if (!day && !month && !year) return { message: `Enter ${label}` };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return { message: `${label.charAt(0).toUpperCase()}${label.slice(1)} must be a real date, like 27 3 2027` };
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  if (!DateTime.fromISO(iso, { zone: 'utc' }).isValid) return { message: `${label.charAt(0).toUpperCase()}${label.slice(1)} must be a real date` };
  return { date: iso };
}

/** The indexes of the action rows a posted form carries, in order. */
export function actionIndexes(values: Record<string, unknown>): number[] {
  const found = new Set<number>();
  for (const key of Object.keys(values)) {
    const m = /^actions\[(\d{1,3})\]\[/.exec(key);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * Parses the plan form. `today` is the London date: a review date and a new action's date must not be
 * before it. Errors come in page order, one per field.
 */
export function parsePlanForm(input: unknown, today: string): PlanParse {
  const values = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const version = Number(text(values.version));
  if (!Number.isInteger(version) || version < 0 || text(values.version).trim() === '') errors.push({ field: 'version', message: 'Open the plan again: the form is missing its version' });

  const parsed = sections.safeParse({
    whatMatters: text(values.whatMatters),
    strengths: text(values.strengths),
    goals: text(values.goals),
    ifWorse: text(values.ifWorse),
    privacyLabel: values.privacyLabel === undefined ? undefined : text(values.privacyLabel),
    note: text(values.note),
  });
  const sectionErrors = new Map<string, string>();
  if (!parsed.success) for (const issue of parsed.error.issues) if (!sectionErrors.has(String(issue.path[0]))) sectionErrors.set(String(issue.path[0]), issue.message);
  for (const field of ['whatMatters', 'strengths', 'goals']) if (sectionErrors.has(field)) errors.push({ field, message: sectionErrors.get(field)! });

  const rows: ActionRow[] = [];
  const indexes = actionIndexes(values);
  if (indexes.length > MAX_ACTION_ROWS) errors.push({ field: 'actions', message: `A plan may have at most ${MAX_ACTION_ROWS} actions: mark some done first` });
  for (const i of indexes.slice(0, MAX_ACTION_ROWS)) {
    const f = (name: string) => text(values[`actions[${i}][${name}]`]).trim();
    const id = f('id') || null;
    const remove = f('remove') === 'yes';
    const due = datePartValues(values, `actions[${i}][due]`);
    const blank = !id && !f('what') && !f('who') && !f('assignee') && !due.day && !due.month && !due.year;
    if (blank) continue;
    if (remove && id) {
      rows.push({ index: i, id, what: f('what'), who: f('who'), assigneeId: f('assignee') || null, dueOn: '', remove: true });
      continue;
    }
    const what = whatField.safeParse(f('what'));
    const who = whoField.safeParse(f('who'));
    if (!what.success) errors.push({ field: `actions[${i}][what]`, message: what.error.issues[0]!.message });
    if (!who.success) errors.push({ field: `actions[${i}][who]`, message: who.error.issues[0]!.message });
    const date = dateFrom(values, `actions[${i}][due]`, 'the date it will be done by');
    if ('message' in date) errors.push({ field: `actions[${i}][due]`, message: date.message });
    else if (!id && date.date < today) errors.push({ field: `actions[${i}][due]`, message: 'The date it will be done by must be today or in the future' });
    if (what.success && who.success && 'date' in date) rows.push({ index: i, id, what: what.data, who: who.data, assigneeId: f('assignee') || null, dueOn: date.date, remove: false });
  }

  if (sectionErrors.has('ifWorse')) errors.push({ field: 'ifWorse', message: sectionErrors.get('ifWorse')! });
  const review = dateFrom(values, 'reviewDate', 'the review date');
  if ('message' in review) errors.push({ field: 'reviewDate', message: review.message });
  else if (review.date < today) errors.push({ field: 'reviewDate', message: 'The review date must be today or in the future' });
  else if (review.date > DateTime.fromISO(today, { zone: 'utc' }).plus({ months: MAX_REVIEW_MONTHS }).toISODate()!) errors.push({ field: 'reviewDate', message: `The review date must be within the next ${MAX_REVIEW_MONTHS} months` });
  for (const field of ['privacyLabel', 'note']) if (sectionErrors.has(field)) errors.push({ field, message: sectionErrors.get(field)! });

  if (errors.length > 0 || !parsed.success || 'message' in review) return { ok: false, errors: formErrors(errors), values };
  return {
    ok: true,
    data: {
      version,
      whatMatters: parsed.data.whatMatters,
      strengths: parsed.data.strengths ?? '',
      goals: parsed.data.goals,
      ifWorse: parsed.data.ifWorse,
      reviewDate: review.date,
      privacyLabel: parsed.data.privacyLabel,
      note: parsed.data.note ?? null,
      actions: rows,
    },
  };
}

/** Opening coordination from the person record. */
export const openSchema = z.object({
  teamId: z.string({ error: 'Choose the team that will coordinate care' }).trim().min(1, 'Choose the team that will coordinate care'),
  keyWorkerId: z.string({ error: 'Choose a key worker' }).trim().min(1, 'Choose a key worker'),
  memberIds: z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.string())),
});

export const keyWorkerSchema = z.object({
  version: z.coerce.number({ error: 'Open the page again: the form is missing its version' }).int().min(1, 'Open the page again: the form is missing its version'),
  keyWorkerId: z.string({ error: 'Choose a key worker' }).trim().min(1, 'Choose a key worker'),
});

export const memberSchema = z.object({
  userId: z.string({ error: 'Choose who to add to the care team' }).trim().min(1, 'Choose who to add to the care team'),
  role: freeText({ required: 'Enter their role in the care team, like psychiatrist or peer worker', max: 100, what: 'the role' }),
});

export const closeSchema = z.object({
  version: z.coerce.number({ error: 'Open the page again: the form is missing its version' }).int().min(1, 'Open the page again: the form is missing its version'),
  reason: freeText({ required: 'Enter why care coordination is closing', min: 10, max: 1000, what: 'the reason' }),
});
