// Equality monitoring categories, as the NHS Data Dictionary codes them; each has a "prefer not to
// say". The person record keeps the answers (src/modules/people/equality.ts) and the front door's
// journey asks the same questions, so the lists live here, once, for both.

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
