// Equality monitoring categories of a person record, from the NHS Data Dictionary. Each has a
// "prefer not to say". The front door asks the same questions (its journey keeps a copy of these lists
// for now; they belong here, with the record they describe).

/** ETHNIC CATEGORY (2001 census classification); Z is "not stated". */
export const ETHNICITY = [
  ['A', 'White: British'],
  ['B', 'White: Irish'],
  ['C', 'White: any other White background'],
  ['D', 'Mixed: White and Black Caribbean'],
  ['E', 'Mixed: White and Black African'],
  ['F', 'Mixed: White and Asian'],
  ['G', 'Mixed: any other mixed background'],
  ['H', 'Asian or Asian British: Indian'],
  ['J', 'Asian or Asian British: Pakistani'],
  ['K', 'Asian or Asian British: Bangladeshi'],
  ['L', 'Asian or Asian British: any other Asian background'],
  ['M', 'Black or Black British: Caribbean'],
  ['N', 'Black or Black British: African'],
  ['P', 'Black or Black British: any other Black background'],
  ['R', 'Other ethnic groups: Chinese'],
  ['S', 'Other ethnic groups: any other ethnic group'],
  ['Z', 'Prefer not to say'],
] as const;

/** GENDER IDENTITY CODE; Z is "not stated". */
export const GENDER = [
  ['1', 'Male (including trans man)'],
  ['2', 'Female (including trans woman)'],
  ['3', 'Non-binary'],
  ['4', 'Other (not listed)'],
  ['Z', 'Prefer not to say'],
] as const;

/** SEXUAL ORIENTATION (SNOMED CT) categories. */
export const SEXUAL_ORIENTATION = [
  ['heterosexual', 'Heterosexual or straight'],
  ['gay-or-lesbian', 'Gay or lesbian'],
  ['bisexual', 'Bisexual'],
  ['other', 'Other sexual orientation not listed'],
  ['not-sure', 'Not sure'],
  ['not-stated', 'Prefer not to say'],
] as const;

/** RELIGIOUS OR OTHER BELIEF SYSTEM AFFILIATION (grouped). */
export const RELIGION = [
  ['none', 'No religion'],
  ['buddhist', 'Buddhist'],
  ['christian', 'Christian'],
  ['hindu', 'Hindu'],
  ['jewish', 'Jewish'],
  ['muslim', 'Muslim'],
  ['sikh', 'Sikh'],
  ['other', 'Any other religion or belief'],
  ['not-stated', 'Prefer not to say'],
] as const;

export const DISABILITY = [
  ['yes', 'Yes'],
  ['no', 'No'],
  ['not-stated', 'Prefer not to say'],
] as const;

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
