// Risk-phrase detection on what people write to the front door (issue 4).
//
// Not a clinical tool and not a filter: a human triages every request. A flag only brings the
// request forward (high → crisis, medium → urgent) and shows the person crisis options at once.
// Missing a real risk is worse than a false alarm, so whenever the rules below are unsure they flag.
//
// How it works, in order (all linear in the length of the text):
// 1. Normalise: Unicode compatibility folding (NFKC's effect, done per character as NFKD with the
//    accents dropped so each character maps back to its place in the original), lower case, curly
//    quotes and dashes made plain, zero-width and control characters removed.
// 2. Tokenise into words, sentences (. ! ? ; new line) and clauses (also "but", "however", …);
//    apostrophes are dropped inside words ("don't" → "dont"). Each word is put in its usual spelling:
//    the lexicon's spelling table ("sucidal", "kil", "wanna" → "want to", "selfharm" → "self harm",
//    "od" → "overdose"), letters repeated for emphasis ("diiie"), digits for letters ("k1ll"), and
//    one typo (edit distance 1) away from a few long key words ("suicidel" → "suicidal").
// 3. Match the lexicon's patterns (words, alternatives, optional words, short gaps) within a sentence.
// 4. Drop a match when
//    - a negator ("not", "never", "no", "don't", "denies", …) stands up to three words before it in
//      the same clause, not across a comma, "and", "but" or a sentence end (filler words such as
//      "any thoughts of" don't count towards the three), unless the negator is part of a phrase that
//      does not negate ("no one", "no longer", "can't stop", "not sure"); a negation carries along a
//      list ("no thoughts of self-harm or suicide");
//    - it is followed by a clinical "none", "nil" or "denied" ("suicidal thoughts: none");
//    - it overlaps an idiom or an innocent use ("this job is killing me", "cut myself shaving").
// 5. Lower a high match to medium when its clause says it is in the past ("years ago", "used to",
//    "as a teenager") and nothing says it is happening now ("again", "now", "lately", "urges").
// The level is the highest remaining match.
//
// The lexicon is data (data/risk-lexicon.json): people who know the field can extend it without
// reading this code. Its pattern language is described in the README beside this file.
import lexiconData from './data/risk-lexicon.json' with { type: 'json' };
import { screenability } from './language-check.ts';

export type RiskCategory = 'suicidal-intent' | 'suicide-plan' | 'self-harm' | 'harm-to-others' | 'immediate-danger' | 'safeguarding';
export type RiskLevel = 'high' | 'medium' | 'none';

export interface RiskFlag {
  category: RiskCategory;
  /** The words as written, from the original text. */
  phrase: string;
  /** Offsets into the original text (UTF-16 code units, end exclusive). */
  start: number;
  end: number;
}

export interface RiskResult {
  level: RiskLevel;
  flags: RiskFlag[];
}

// ---------------------------------------------------------------------------------------------
// The lexicon and its patterns

interface Lexicon {
  macros: Record<string, string>;
  spelling: Record<string, string>;
  fuzzy: { targets: string[]; protect: string[] };
  negators: string[];
  negationBreakers: string[];
  negationFillers: string[];
  negationBarriers: string[];
  clauseBreaks: string[];
  postNegators: string[];
  listJoiners: string[];
  historical: string[];
  current: string[];
  recurrence: string[];
  exclusions: { note?: string; patterns: string[] }[];
  risks: { category: RiskCategory; level: 'high' | 'medium'; note?: string; patterns: string[] }[];
}

/** One position in a pattern. */
type Slot =
  | { kind: 'word'; words: Set<string>; prefixes: string[]; many: boolean; optional: boolean }
  | { kind: 'not'; words: Set<string>; prefixes: string[]; many: boolean }
  | { kind: 'gap'; max: number };

interface Pattern {
  source: string;
  slots: Slot[];
}

const GAP_MAX = 3;
const MANY_WORDS = new Set(['ten', 'twenty', 'thirty', 'forty', 'fifty', 'hundred', 'hundreds', 'dozen', 'dozens']);

function expandMacros(text: string, macros: Record<string, string>): string {
  return text.replace(/\$([A-Z_]+)/g, (_, name: string) => {
    const value = macros[name];
    if (value === undefined) throw new Error(`risk lexicon: unknown macro $${name}`);
    return expandMacros(value, macros);
  });
}

function parseAlternatives(text: string, source: string) {
  const words = new Set<string>();
  const prefixes: string[] = [];
  let many = false;
  for (const alt of text.split('|')) {
    if (alt === '#many') many = true;
    else if (/^[a-z0-9]+\*$/.test(alt)) prefixes.push(alt.slice(0, -1));
    else if (/^[a-z0-9]+$/.test(alt)) words.add(alt);
    else throw new Error(`risk lexicon: bad word "${alt}" in "${source}"`);
  }
  return { words, prefixes, many };
}

export function parsePattern(source: string, macros: Record<string, string>): Pattern {
  const slots: Slot[] = [];
  for (const part of expandMacros(source, macros).trim().split(/\s+/)) {
    if (part === '...') slots.push({ kind: 'gap', max: GAP_MAX });
    else if (part.startsWith('!')) slots.push({ kind: 'not', ...parseAlternatives(part.slice(1), source) });
    else if (part.startsWith('[') && part.endsWith(']')) slots.push({ kind: 'word', optional: true, ...parseAlternatives(part.slice(1, -1), source) });
    else slots.push({ kind: 'word', optional: false, ...parseAlternatives(part, source) });
  }
  const first = slots[0];
  if (first?.kind !== 'word' || first.optional || first.many) {
    throw new Error(`risk lexicon: a pattern must start with a required word: "${source}"`);
  }
  if (slots.at(-1)?.kind === 'gap') throw new Error(`risk lexicon: a pattern cannot end with a gap: "${source}"`);
  return { source, slots };
}

/** Patterns indexed by their possible first words, so each token only tries the few that can start there. */
class PatternSet<T> {
  private byWord = new Map<string, { pattern: Pattern; tag: T }[]>();
  private byPrefix: { prefix: string; pattern: Pattern; tag: T }[] = [];

  add(pattern: Pattern, tag: T) {
    const first = pattern.slots[0] as Extract<Slot, { kind: 'word' }>;
    for (const w of first.words) {
      const list = this.byWord.get(w) ?? [];
      list.push({ pattern, tag });
      this.byWord.set(w, list);
    }
    for (const prefix of first.prefixes) this.byPrefix.push({ prefix, pattern, tag });
  }

  /** Every match starting at token i: [tag, end token index (exclusive)]. */
  matchesAt(doc: Doc, i: number, out: { tag: T; start: number; end: number }[]) {
    const word = doc.tokens[i]!.text;
    for (const c of this.byWord.get(word) ?? []) {
      const end = matchSlots(doc, c.pattern.slots, 0, i, doc.sentenceEnd[i]!);
      if (end >= 0) out.push({ tag: c.tag, start: i, end });
    }
    for (const c of this.byPrefix) {
      if (!word.startsWith(c.prefix)) continue;
      const end = matchSlots(doc, c.pattern.slots, 0, i, doc.sentenceEnd[i]!);
      if (end >= 0) out.push({ tag: c.tag, start: i, end });
    }
  }

  all(doc: Doc): { tag: T; start: number; end: number }[] {
    const out: { tag: T; start: number; end: number }[] = [];
    for (let i = 0; i < doc.tokens.length; i++) this.matchesAt(doc, i, out);
    return out;
  }
}

function slotAccepts(slot: { words: Set<string>; prefixes: string[]; many: boolean }, word: string): boolean {
  if (slot.words.has(word)) return true;
  for (const p of slot.prefixes) if (word.startsWith(p)) return true;
  if (slot.many) {
    if (MANY_WORDS.has(word)) return true;
    if (/^\d+$/.test(word) && Number(word) >= 10) return true;
  }
  return false;
}

/** The end of the first way slots[si..] match from token ti, before token `end` (the sentence's end); -1 if none. */
function matchSlots(doc: Doc, slots: Slot[], si: number, ti: number, end: number): number {
  if (si === slots.length) return ti;
  const slot = slots[si]!;
  switch (slot.kind) {
    case 'gap':
      for (let k = 0; k <= slot.max && ti + k <= end; k++) {
        const r = matchSlots(doc, slots, si + 1, ti + k, end);
        if (r >= 0) return r;
      }
      return -1;
    case 'not':
      if (ti < end && slotAccepts(slot, doc.tokens[ti]!.text)) return -1;
      return matchSlots(doc, slots, si + 1, ti, end);
    case 'word': {
      if (ti < end && slotAccepts(slot, doc.tokens[ti]!.text)) {
        const r = matchSlots(doc, slots, si + 1, ti + 1, end);
        if (r >= 0) return r;
      }
      return slot.optional ? matchSlots(doc, slots, si + 1, ti, end) : -1;
    }
  }
}

interface Compiled {
  lexicon: Lexicon;
  spelling: Map<string, string[]>;
  pairSpelling: Map<string, string>;
  vocabulary: Set<string>;
  fuzzyTargets: string[];
  fuzzyProtect: Set<string>;
  negators: Set<string>;
  fillers: Set<string>;
  barriers: Set<string>;
  clauseBreaks: Set<string>;
  postNegators: Set<string>;
  listJoiners: Set<string>;
  breakers: PatternSet<true>;
  historical: PatternSet<true>;
  current: PatternSet<true>;
  recurrence: PatternSet<true>;
  exclusions: PatternSet<true>;
  risks: PatternSet<{ category: RiskCategory; level: 'high' | 'medium' }>;
}

export function compileLexicon(lexicon: Lexicon): Compiled {
  const m = lexicon.macros;
  const vocabulary = new Set<string>();
  const collect = (p: Pattern) => {
    for (const s of p.slots) if (s.kind !== 'gap') for (const w of s.words) vocabulary.add(w);
    return p;
  };
  const set = (sources: string[]) => {
    const ps = new PatternSet<true>();
    for (const s of sources) ps.add(collect(parsePattern(s, m)), true);
    return ps;
  };
  const spelling = new Map<string, string[]>();
  const pairSpelling = new Map<string, string>();
  for (const [from, to] of Object.entries(lexicon.spelling)) {
    if (from.includes(' ')) pairSpelling.set(from, to);
    else spelling.set(from, to.split(' '));
    for (const w of to.split(' ')) vocabulary.add(w);
  }
  const risks = new PatternSet<{ category: RiskCategory; level: 'high' | 'medium' }>();
  for (const entry of lexicon.risks) {
    for (const s of entry.patterns) risks.add(collect(parsePattern(s, m)), { category: entry.category, level: entry.level });
  }
  const words = (list: string[]) => {
    for (const w of list) vocabulary.add(w);
    return new Set(list);
  };
  return {
    lexicon,
    spelling,
    pairSpelling,
    vocabulary,
    fuzzyTargets: lexicon.fuzzy.targets,
    fuzzyProtect: new Set(lexicon.fuzzy.protect),
    negators: words(lexicon.negators),
    fillers: words(lexicon.negationFillers),
    barriers: words(lexicon.negationBarriers),
    clauseBreaks: words(lexicon.clauseBreaks),
    postNegators: words(lexicon.postNegators),
    listJoiners: words(lexicon.listJoiners),
    breakers: set(lexicon.negationBreakers),
    historical: set(lexicon.historical),
    current: set(lexicon.current),
    recurrence: set(lexicon.recurrence),
    exclusions: set(lexicon.exclusions.flatMap((e) => e.patterns)),
    risks,
  };
}

const compiled = compileLexicon(lexiconData as Lexicon);

// ---------------------------------------------------------------------------------------------
// Normalising and tokenising

interface Token {
  text: string;
  /** Offsets into the original text. */
  start: number;
  end: number;
  sentence: number;
  clause: number;
  /** Clauses split further at commas and dashes. */
  segment: number;
  /** A comma, bracket or dash stands between this token and the one before. */
  barrierBefore: boolean;
}

interface Doc {
  tokens: Token[];
  /** For each token, the index just past the last token of its sentence. */
  sentenceEnd: Int32Array;
  /** For each sentence, whether the break after it is only question marks ("Suicidal? No."). */
  questionBreak: boolean[];
}

/** Invisible characters: soft hyphen, joiners, bidirectional controls, variation selectors, fillers. */
const INVISIBLE_RANGES: [number, number][] = [
  [0x00ad, 0x00ad], [0x034f, 0x034f], [0x061c, 0x061c], [0x115f, 0x1160], [0x17b4, 0x17b5], [0x180b, 0x180f],
  [0x200b, 0x200f], [0x202a, 0x202e], [0x2060, 0x206f], [0x3164, 0x3164], [0xfe00, 0xfe0f], [0xfeff, 0xfeff], [0xffa0, 0xffa0],
];
function isInvisible(cp: string): boolean {
  const n = cp.codePointAt(0)!;
  if (n < 0xad) return false;
  for (const [lo, hi] of INVISIBLE_RANGES) if (n >= lo && n <= hi) return true;
  return n >= 0xe0000 && n <= 0xe007f; // tag characters
}
/** C0 and C1 control characters except tab, line feed and carriage return (which separate words). */
function isControl(cp: string): boolean {
  const n = cp.codePointAt(0)!;
  return (n < 0x20 && n !== 0x09 && n !== 0x0a && n !== 0x0d) || (n >= 0x7f && n <= 0x9f);
}
const COMBINING = /\p{M}/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const QUOTES: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'", '\u02bc': "'", '`': "'", '\u00b4': "'" };
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/** The normalised text, one UTF-16 unit at a time, with the original offsets of each. */
function normalise(text: string): { chars: string[]; from: number[]; to: number[] } {
  const chars: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let offset = 0;
  for (const cp of text) {
    const start = offset;
    offset += cp.length;
    if (isInvisible(cp) || isControl(cp)) continue;
    let s = QUOTES[cp] ?? cp;
    if (s.length > 0 && s.charCodeAt(0) >= 0x80) s = s.normalize('NFKD').replace(COMBINING, '').toLowerCase().normalize('NFKD').replace(COMBINING, '');
    else s = s.toLowerCase();
    for (const ch of s) {
      chars.push(QUOTES[ch] ?? ch);
      from.push(start);
      to.push(offset);
    }
  }
  return { chars, from, to };
}

const SENTENCE_BREAK = new Set(['.', '!', '?', ';', '\n', '\u2026', '\u2028', '\u2029', '\u3002']);
const COMMA_LIKE = new Set([',', '(', ')', '[', ']', '{', '}', '"', '\u201c', '\u201d', '\u201e', ':']);
const DASHES = new Set(['-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212']);

function editDistanceAtMostOne(a: string, b: string): boolean {
  // Damerau: one substitution, insertion, deletion or swap of neighbours.
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return true;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** A word in its usual spelling, as one or more words. */
function canonical(raw: string, cache: Map<string, string[]>): string[] {
  const hit = cache.get(raw);
  if (hit) return hit;
  const c = compiled;
  let result: string[] | undefined = c.spelling.get(raw);
  if (!result) {
    let w = raw.replace(/'/g, '');
    // Digits for letters only in words that mix the two ("k1ll", "su1c1de"), never in plain numbers.
    if (/\d/.test(w) && /[a-z]/.test(w)) {
      const unleet = w.replace(/[013457@$]/g, (d) => LEET[d]!);
      if (c.vocabulary.has(unleet) || c.spelling.has(unleet)) w = unleet;
    }
    // Dropped g: "cuttin", "harmin", "thinkin".
    if (w.endsWith('in') && !c.vocabulary.has(w) && c.vocabulary.has(`${w}g`)) w = `${w}g`;
    result = c.spelling.get(w);
    if (!result) {
      if (/(.)\1\1/.test(w)) {
        // Letters stretched for emphasis: "diiiie", "killlll".
        const two = w.replace(/(.)\1{2,}/g, '$1$1');
        const one = w.replace(/(.)\1{2,}/g, '$1');
        w = c.vocabulary.has(two) || c.spelling.has(two) ? two : c.vocabulary.has(one) || c.spelling.has(one) ? one : two;
        result = c.spelling.get(w);
      }
    }
    if (!result && w.length >= 5 && w.length <= 16 && !c.vocabulary.has(w) && !c.fuzzyProtect.has(w)) {
      const target = c.fuzzyTargets.find((t) => editDistanceAtMostOne(w, t));
      if (target) w = target;
    }
    result ??= [w];
  }
  cache.set(raw, result);
  return result;
}

function tokenise(text: string): Doc {
  const { chars, from, to } = normalise(text);
  const c = compiled;
  const cache = new Map<string, string[]>();
  const tokens: Token[] = [];
  const questionBreak: boolean[] = [];
  let sentence = 0;
  let clause = 0;
  let segment = 0;
  let barrier = false;
  let pendingBreak: 'none' | 'question' | 'full' = 'none';
  const n = chars.length;
  let i = 0;
  const push = (word: string, start: number, end: number) => {
    if (pendingBreak !== 'none') {
      if (tokens.length > 0) {
        questionBreak[sentence] = pendingBreak === 'question';
        sentence++;
        clause++;
        segment++;
      }
      pendingBreak = 'none';
      barrier = false;
    }
    if (c.clauseBreaks.has(word)) {
      clause++;
      segment++;
      barrier = false;
      return;
    }
    if (barrier) segment++;
    tokens.push({ text: word, start, end, sentence, clause, segment, barrierBefore: barrier });
    barrier = false;
  };
  while (i < n) {
    const ch = chars[i]!;
    if (LETTER_OR_DIGIT.test(ch) || ((ch === '@' || ch === '$') && i + 1 < n && LETTER_OR_DIGIT.test(chars[i + 1]!))) {
      let j = i + 1;
      // A word: letters and digits, with apostrophes inside ("don't") and leet symbols ("k!ll" is not handled, "@" is).
      while (j < n) {
        const d = chars[j]!;
        if (LETTER_OR_DIGIT.test(d) || d === '@' || d === '$') j++;
        else if (d === "'" && j + 1 < n && LETTER_OR_DIGIT.test(chars[j + 1]!)) j++;
        else break;
      }
      const raw = chars.slice(i, j).join('');
      for (const w of canonical(raw, cache)) push(w, from[i]!, to[j - 1]!);
      i = j;
      continue;
    }
    if (SENTENCE_BREAK.has(ch)) {
      // Several marks in a row are one break; it stays a "question" break only if all are "?".
      if (pendingBreak === 'none') pendingBreak = ch === '?' ? 'question' : 'full';
      else if (ch !== '?') pendingBreak = 'full';
    } else if (COMMA_LIKE.has(ch)) {
      barrier = true;
    } else if (DASHES.has(ch)) {
      // A hyphen inside a word ("self-harm") joins; a dash between spaces separates like a comma.
      const joined = i > 0 && i + 1 < n && LETTER_OR_DIGIT.test(chars[i - 1]!) && LETTER_OR_DIGIT.test(chars[i + 1]!);
      if (!joined) barrier = true;
    }
    i++;
  }
  if (tokens.length > 0) questionBreak[sentence] = false;

  // Words spelt out a letter at a time ("d i e", "k i l l"), joined when they make a word we know.
  for (let k = 0; k < tokens.length; k++) {
    let e = k;
    while (e < tokens.length && /^[a-z]$/.test(tokens[e]!.text) && tokens[e]!.sentence === tokens[k]!.sentence && (e === k || !tokens[e]!.barrierBefore)) e++;
    if (e - k >= 3) {
      const joined = tokens.slice(k, e).map((t) => t.text).join('');
      if (c.vocabulary.has(joined) || c.spelling.has(joined)) {
        const words = canonical(joined, cache);
        const first = tokens[k]!;
        const last = tokens[e - 1]!;
        tokens.splice(k, e - k, ...words.map((w) => ({ ...first, text: w, end: last.end })));
        k += words.length - 1;
        continue;
      }
    }
    if (e > k) k = e - 1;
  }

  // Word pairs written apart ("over dose", "my self"), joined when nothing stands between them.
  const merged: Token[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    const next = tokens[k + 1];
    if (next && next.sentence === t.sentence && next.clause === t.clause && !next.barrierBefore) {
      const joined = c.pairSpelling.get(`${t.text} ${next.text}`);
      if (joined) {
        merged.push({ ...t, text: joined, end: next.end });
        k++;
        continue;
      }
    }
    merged.push(t);
  }

  const sentenceEnd = new Int32Array(merged.length);
  for (let k = merged.length - 1; k >= 0; k--) {
    const next = merged[k + 1];
    sentenceEnd[k] = next && next.sentence === merged[k]!.sentence ? sentenceEnd[k + 1]! : k + 1;
  }
  return { tokens: merged, sentenceEnd, questionBreak };
}

// ---------------------------------------------------------------------------------------------
// Detection

interface Match {
  category: RiskCategory;
  level: 'high' | 'medium';
  start: number;
  end: number;
  negated: boolean;
}

const NEGATION_WINDOW = 3;

function spansByToken(doc: Doc, set: PatternSet<true>): Uint8Array {
  const covered = new Uint8Array(doc.tokens.length);
  for (const m of set.all(doc)) for (let k = m.start; k < m.end; k++) covered[k] = 1;
  return covered;
}

/** Whether a negator stands within three counted words before token `start`, in the same clause. */
function negatedBefore(doc: Doc, start: number, breakerStarts: Uint8Array): boolean {
  const c = compiled;
  const clause = doc.tokens[start]!.clause;
  let counted = 0;
  // At most a few words are looked at, however many fillers there are, so the work stays linear.
  for (let j = start - 1; j >= 0 && j >= start - 4 * NEGATION_WINDOW && counted < NEGATION_WINDOW; j--) {
    const t = doc.tokens[j]!;
    if (t.clause !== clause || doc.tokens[j + 1]!.barrierBefore) return false;
    if (c.negators.has(t.text)) return breakerStarts[j] === 0;
    if (c.barriers.has(t.text)) return false;
    if (!c.fillers.has(t.text)) counted++;
  }
  return false;
}

/** "suicidal thoughts: none", "self-harm - denied", "Suicidal ideation? No." */
function negatedAfter(doc: Doc, end: number): boolean {
  const c = compiled;
  let k = end;
  // Skip a few words that only describe the risk ("thoughts", "ideation", "or plans").
  while (k < doc.tokens.length && k - end < 3 && doc.tokens[k]!.sentence === doc.tokens[end - 1]!.sentence) {
    const t = doc.tokens[k]!.text;
    if (!c.listJoiners.has(t) && !c.fillers.has(t)) break;
    k++;
  }
  const next = doc.tokens[k];
  const last = doc.tokens[k - 1]!;
  if (!next || !c.postNegators.has(next.text)) return false;
  if (next.sentence !== last.sentence && !(next.sentence === last.sentence + 1 && doc.questionBreak[last.sentence])) return false;
  const after = doc.tokens[k + 1];
  // The negator must close its clause: "suicidal thoughts - none", not "want to die, no one cares".
  return !after || after.sentence !== next.sentence || after.clause !== next.clause || after.barrierBefore;
}

export function detectRisk(text: string): RiskResult {
  const c = compiled;
  const doc = tokenise(text);
  const { tokens } = doc;
  if (tokens.length === 0) return { level: 'none', flags: [] };

  const breakerStarts = new Uint8Array(tokens.length);
  for (const b of c.breakers.all(doc)) breakerStarts[b.start] = 1;
  const excluded = spansByToken(doc, c.exclusions);

  // Clauses that speak of the past; segments (between commas) and sentences that speak of now.
  const historicalClauses = new Set<number>();
  for (const h of c.historical.all(doc)) historicalClauses.add(tokens[h.start]!.clause);
  const currentSegments = new Set<number>();
  for (const h of c.current.all(doc)) currentSegments.add(tokens[h.start]!.segment);
  const recurrenceSentences = new Set<number>();
  for (const h of c.recurrence.all(doc)) recurrenceSentences.add(tokens[h.start]!.sentence);

  const found = c.risks.all(doc).filter((r) => {
    for (let k = r.start; k < r.end; k++) if (excluded[k]) return false;
    return true;
  });
  // A negator that starts a risk phrase ("don't want to live", "no reason to live") is part of
  // that phrase, not a negation of the words around it.
  for (const r of found) if (c.negators.has(tokens[r.start]!.text)) breakerStarts[r.start] = 1;
  const matches: Match[] = found.map((r) => ({
    ...r.tag,
    start: r.start,
    end: r.end,
    negated: negatedBefore(doc, r.start, breakerStarts) || negatedAfter(doc, r.end),
  }));
  matches.sort((a, b) => a.start - b.start || a.end - b.end);

  // A negation carries along a list: "no thoughts of self-harm or suicide", "denies SI, SH or HTO".
  // A match inside a negated match (same words, another pattern) is negated with it.
  for (let k = 1; k < matches.length; k++) {
    const m = matches[k]!;
    if (m.negated) continue;
    for (let p = k - 1; p >= 0 && p >= k - 4; p--) {
      const prev = matches[p]!;
      if (!prev.negated || tokens[prev.start]!.clause !== tokens[m.start]!.clause) continue;
      if (m.start < prev.end) {
        m.negated = true;
        break;
      }
      if (m.start - prev.end > 6) continue;
      const gap = tokens.slice(prev.end, m.start);
      if (gap.every((t) => c.listJoiners.has(t.text))) {
        m.negated = true;
        break;
      }
    }
  }

  const flags: RiskFlag[] = [];
  const seen = new Set<string>();
  let level: RiskLevel = 'none';
  for (const m of matches) {
    if (m.negated) continue;
    let matchLevel = m.level;
    if (matchLevel === 'high') {
      const t = tokens[m.start]!;
      const now =
        currentSegments.has(t.segment) ||
        recurrenceSentences.has(t.sentence) ||
        recurrenceSentences.has(t.sentence + 1) ||
        recurrenceSentences.has(t.sentence + 2);
      if (historicalClauses.has(t.clause) && !now) matchLevel = 'medium';
    }
    if (matchLevel === 'high') level = 'high';
    else if (level === 'none') level = 'medium';
    const start = tokens[m.start]!.start;
    const end = tokens[m.end - 1]!.end;
    const key = `${m.category}:${start}:${end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    flags.push({ category: m.category, phrase: text.slice(start, end), start, end });
  }
  return { level, flags };
}

/** For tests and the README: the words each token became, to see why something matched or not. */
export function explainTokens(text: string): string[] {
  return tokenise(text).tokens.map((t) => `${t.text}@${t.sentence}.${t.clause}${t.barrierBefore ? ',' : ''}`);
}

/** Each category in words, as the request page shows it. */
export const RISK_CATEGORY_TEXT: Readonly<Record<RiskCategory, string>> = {
  'suicidal-intent': 'Suicidal thoughts or intent',
  'suicide-plan': 'A plan or means to end their life',
  'self-harm': 'Self-harm',
  'harm-to-others': 'Harm to others',
  'immediate-danger': 'Immediate danger',
  safeguarding: 'Safeguarding concern',
};

/** What words may mean, without the words: the level, the categories found, and those in words. */
export interface WordsScreened {
  level: RiskLevel;
  categories: RiskCategory[];
  /** The categories in words, for a task or a log line ("Suicidal thoughts or intent, Self-harm"); empty at level none. */
  summary: string;
  /** The words are in a language or alphabet the phrases cannot read (language-check.ts). */
  unscreened: boolean;
}

/** What an entry the phrases cannot read is said to mean, in a task or a log line. */
export const UNSCREENED_SUMMARY = 'not screened: written in a language the risk phrases cannot read';

/**
 * Screens words someone wrote (outside a request for help: the person's own record) with the same
 * phrases and rules. Words the phrases cannot read count as medium risk (hazard H8): read by a person
 * within hours, not taken for "no risk".
 */
export function screenWords(text: string): WordsScreened {
  const { level, flags } = detectRisk(text);
  const categories = [...new Set(flags.map((f) => f.category))];
  const summary = categories.map((c) => RISK_CATEGORY_TEXT[c]).join(', ');
  const unscreened = !screenability(text).screenable;
  if (unscreened && level === 'none') return { level: 'medium', categories, summary: UNSCREENED_SUMMARY, unscreened };
  return { level, categories, summary: unscreened ? `${summary}; the rest ${UNSCREENED_SUMMARY}` : summary, unscreened };
}
