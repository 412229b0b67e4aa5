// Whether the risk phrases can read what someone wrote (hazards H8 and H19). The phrases are English:
// words of risk in another language pass them as if nothing were said. So a text that is not written
// in English, or not in the Latin alphabet, is told apart here, and its request is brought forward for
// a person to read (submit.ts), rather than counted as screened and found safe.
//
// The test is deliberately simple and leans towards "not screened": the share of letters outside the
// Latin alphabet, and the share of words that are among the commonest English words (function words,
// everyday verbs, and the words people use about their mental health, spelt as people type them:
// "dont", "im", "cant"). English of a few words or more, however misspelt, is mostly such words;
// Portuguese, Polish, Somali or Welsh is not. A text that passes as English is then read sentence by
// sentence, so that half a text in another language is not averaged away by the English half: a
// sentence with few English words and some of the commonest words of another language is not
// screened. A false "not screened" costs a request read sooner.

export type LanguageCheck =
  | { screenable: true; reason: 'english' | 'too-short' }
  | { screenable: false; reason: 'other-script' | 'not-english' };

/** Below this share of words known as English (in a text of MIN_WORDS or more), a text is not screened. */
export const MIN_ENGLISH_SHARE = 0.3;
/** Above this share of letters outside the Latin alphabet, a text is not screened. */
export const MAX_OTHER_SCRIPT_SHARE = 0.3;
/** Texts of fewer words are judged by whether any of their words is English. */
export const MIN_WORDS = 5;
/**
 * A sentence of this many words or more, under MAX_SENTENCE_ENGLISH_SHARE of them English and at least
 * MIN_SENTENCE_FOREIGN of them among the commonest words of another language (OTHER below), is another
 * language even when the rest of the text is English: a text half in English, half in Portuguese,
 * passes the whole text's share. Another language's words are asked for as well so that an English
 * sentence made of clinical words ("Persistent intrusive obsessional ruminations regarding
 * contamination") still reads as English.
 */
export const MIN_SENTENCE_WORDS = 5;
export const MAX_SENTENCE_ENGLISH_SHARE = 0.3;
export const MIN_SENTENCE_FOREIGN = 2;
/** A sentence with at least this many letters, over MAX_OTHER_SCRIPT_SHARE of them outside the Latin alphabet, is another alphabet. */
export const MIN_SENTENCE_LETTERS = 12;

// Written for this file: the commonest English words in messages asking for help, lower case, with
// apostrophes dropped as people often type them. Not a dictionary: enough to recognise English.
const COMMON = `
a about above after again against ago all almost alone along already also although always am among an and another any anybody
anymore anyone anything anyway anywhere are around as ask asked asking at away back bad badly be became because become been before
being believe best better between big both but by call called calling came can cannot cant care carer caring case cause change
child children come comes coming could couldnt day days did didnt die do does doesnt doing done dont down during each early else
end ending enough even ever every everyone everything family far feel feeling feelings feels felt few find fine first for found
friend friends from get gets getting give go goes going gone good got had hard has hasnt have havent having he hed help helped helping
her here hers herself him himself his home how i id if ill im in into is isnt it its itself ive just keep kept kind know knowing
known last least leave left less let life like little live lived lives living long look looking lost lot lots made make makes making
many may maybe me mean means might mind mine more morning most much mum must my myself need needed needs never new next night no
nobody none nor not nothing now of off often oh ok okay old on once one only or other others our ours out over own part people
person please point pretty put quite rather really right said same say saying says see seem seems seen self she should shouldnt
since so some somebody someone something sometimes soon sorry still stop such support sure take taking talk talking tell than thank
thanks that thats the their theirs them themselves then there these they theyre thing things think thinking this those though
thought thoughts through time times to today told too took tried try trying under until up upon us use used very want wanted wants
was wasnt way we week weeks well went were what whats when where which while who whole why will with without wont work working
worried worry worse would wouldnt year years yes yet you your youre yours yourself yourselves
anxiety anxious angry benefits bills breakdown crisis cry crying dad debt depressed depression doctor drinking drugs eat eating
gp harm hurt hurting kill killing hospital housing job lonely mental money panic pills rent school scared sad safe sleep sleeping
stress stressed struggling suicidal suicide tired therapy unwell voices wife husband partner son daughter brother sister boyfriend
girlfriend baby pregnant police cope coping attacks appointment medication meds health
about concern concerns concerned referral refer referring referred patient client pupil student presenting presents history risk
risks assessment assessed diagnosis diagnosed mood low plan plans previous recent recently currently reports reported states stated
disclosed disclosure missing possible possibly keeps safeguarding social worker services service team teams phone phones number
address contact contacted following follow admitted discharged discharge ward episode episodes overdose overdosed
`;
const ENGLISH = new Set(COMMON.split(/\s+/).filter(Boolean));

// Written for this file: the commonest short words (articles, pronouns, prepositions, "not", "and") of
// the languages most spoken after English where Mutual runs first (Portuguese, Spanish, Polish, French,
// Somali, Italian, Romanian, Lithuanian, Turkish, Yoruba), without any that are also English words
// ("a", "me", "no", "do", "per"), nor any an English text often holds ("com" of an email address,
// "em", "um", "ma", "fun"). Evidence of another language in a sentence, not a dictionary.
const OTHER_COMMON = `
que não nao uma ela ele eles elas você voce para mas mais muito está esta estou isso isto também tambem
ninguém ninguem nada quer quero casa sem meu minha seu sua nós os das dos pelo pela já ja aqui
el los las una usted pero muy estoy eso esto también nadie quiero porque cuando donde mí tengo ayuda
nie się sie że ze jak już juz mnie mi tak czy dla przez jestem proszę prosze pomoc bardzo tylko żyć zyc
je tu il ils vous est pas une des du au aux avec mais très tres suis moi ça oui qui sont dans sur
waa iyo ku ka aan ayaa uu ay waxaan hooyo aad aniga isaga iyada
sono della delle degli gli anche molto perché perche cosa sei questo questa
nu este sunt şi si sau pentru foarte mai cu acum
ir yra aš as tu jis ji mes jūs nėra labai kad
bir ve bu çok cok sen değil degil için icin ama gibi
mo ni ti emi awa ko si pelu
`;
const OTHER = new Set(OTHER_COMMON.split(/\s+/).filter((w) => w && !ENGLISH.has(w)));

const LETTER = /\p{L}/u;
const LATIN = /\p{Script=Latin}/u;

/** The words of a text, lower case, apostrophes dropped ("Don't" → "dont"), letters only. */
function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length > 0);
}

/** Letters in a text, and how many of them are outside the Latin alphabet. */
function lettersOf(text: string): { letters: number; other: number } {
  let letters = 0;
  let other = 0;
  for (const ch of text) {
    if (!LETTER.test(ch)) continue;
    letters++;
    if (!LATIN.test(ch)) other++;
  }
  return { letters, other };
}

/** The text's sentences: split at full stops, question and exclamation marks, semicolons and line breaks (also the Arabic and CJK ones). */
function sentencesOf(text: string): string[] {
  return text.split(/[.!?;\n\r\u061F\u06D4\u3002\uFF01\uFF1F]+/u).filter((s) => s.trim().length > 0);
}

/** Whether the English risk phrases can read this text, and if not, why. */
export function screenability(text: string): LanguageCheck {
  const { letters, other } = lettersOf(text);
  if (letters === 0) return { screenable: true, reason: 'too-short' };
  if (other / letters > MAX_OTHER_SCRIPT_SHARE) return { screenable: false, reason: 'other-script' };
  const words = wordsOf(text);
  const known = words.filter((w) => ENGLISH.has(w)).length;
  if (words.length < MIN_WORDS) {
    // A word or two: "Depression", "Need help". Two or more, none of them English: not screened.
    return words.length >= 2 && known === 0 ? { screenable: false, reason: 'not-english' } : { screenable: true, reason: 'too-short' };
  }
  if (known / words.length < MIN_ENGLISH_SHARE) return { screenable: false, reason: 'not-english' };
  // Mostly English: each sentence is read too, so that half a text in another language is not averaged away.
  for (const sentence of sentencesOf(text)) {
    const script = lettersOf(sentence);
    if (script.letters >= MIN_SENTENCE_LETTERS && script.other / script.letters > MAX_OTHER_SCRIPT_SHARE) return { screenable: false, reason: 'other-script' };
    const inSentence = wordsOf(sentence);
    if (inSentence.length < MIN_SENTENCE_WORDS) continue;
    const english = inSentence.filter((w) => ENGLISH.has(w)).length;
    const foreign = inSentence.filter((w) => OTHER.has(w)).length;
    if (english / inSentence.length < MAX_SENTENCE_ENGLISH_SHARE && foreign >= MIN_SENTENCE_FOREIGN) return { screenable: false, reason: 'not-english' };
  }
  return { screenable: true, reason: 'english' };
}
