// Equality monitoring on a person record: the questions and the answers in words. The categories
// (NHS Data Dictionary codes) are in src/platform/identifiers/equality.ts, shared with the front door.

import { DISABILITY, ETHNICITY, GENDER, RELIGION, SEXUAL_ORIENTATION } from '../../platform/identifiers/equality.ts';


/** The questions, in the order the record shows them: the key in `people.equality`, its label, its answers. */
export const EQUALITY_QUESTIONS = [
  { key: 'ethnicity', label: 'Ethnic group', answers: ETHNICITY },
  { key: 'gender', label: 'Gender', answers: GENDER },
  { key: 'sexualOrientation', label: 'Sexual orientation', answers: SEXUAL_ORIENTATION },
  { key: 'religion', label: 'Religion or belief', answers: RELIGION },
  { key: 'disability', label: 'Disability', answers: DISABILITY },
] as const;

export type EqualityKey = (typeof EQUALITY_QUESTIONS)[number]['key'];

/** The answers in words, one row a question ("Not asked" where there is none). */
export function equalityInWords(equality: Record<string, string> | null): { label: string; text: string }[] {
  return EQUALITY_QUESTIONS.map((q) => {
    const code = equality?.[q.key];
    const answer = q.answers.find(([c]) => c === code);
    return { label: q.label, text: answer ? answer[1] : 'Not asked' };
  });
}
