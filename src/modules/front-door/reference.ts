// Request references that are easy to read out on the phone and to type from a letter: MH-7K3P-9QXD.
//
// Alphabet (23 characters): A C D E F G H J K M N P Q R T W X Y 3 4 6 7 9. Left out:
//   0 and O (and so Q is safe to keep), 1, I and L (strokes), 2 and Z, 5 and S, 8 and B (shapes that
//   read alike in print and handwriting), U and V (alike in handwriting, and "you"/"double-you"
//   spoken). 23 is also a prime, which the check character needs (below).
//
// Shape: "MH-" then eight characters in two groups of four: seven random (23^7 ≈ 3.4 billion, from
// node:crypto, so references cannot be guessed; a clash in the database is retried by the caller)
// and one check character.
//
// Check character: built the way ISO 7064 builds its pure systems (MOD 11-2, MOD 37-2): Horner's
// rule with radix 2 modulo a prime, here 23, the alphabet's size, so the check is itself a
// character of the alphabet. The whole code satisfies  Σ vᵢ·2^(n−i) ≡ 1 (mod 23). Why it detects:
// - one wrong character changes the sum by (v − v′)·w with 0 < |v − v′| < 23 and w = 2^k ≢ 0, and a
//   product of two non-zero numbers is non-zero modulo a prime;
// - swapping neighbours a, b changes it by (a − b)(2^(k+1) − 2^k) = (a − b)·2^k, again non-zero.
// (2 has order 11 modulo 23, so the eight weights are also all different: any two swapped
// characters, not only neighbours, are caught.) The tests check all of this exhaustively.
import crypto from 'node:crypto';

export const ALPHABET = 'ACDEFGHJKMNPQRTWXY34679';
const MODULUS = ALPHABET.length; // 23, a prime
const RADIX = 2;
const PREFIX = 'MH';
const RANDOM_LENGTH = 7;
const VALUES = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Random bytes; node:crypto by default. Tests may pass their own. */
export type RandomBytes = (size: number) => Uint8Array;

/** ISO 7064-style pure system: the check character for `body` (characters of ALPHABET). */
export function checkCharacter(body: string): string {
  let p = 0;
  for (const ch of body) {
    const v = VALUES.get(ch);
    if (v === undefined) throw new Error(`not a reference character: ${ch}`);
    p = ((p + v) * RADIX) % MODULUS;
  }
  // Choose c so that the whole code's weighted sum is 1 (mod 23), as ISO 7064 does.
  return ALPHABET[(MODULUS + 1 - p) % MODULUS]!;
}

function checks(code: string): boolean {
  let p = 0;
  for (const ch of code) p = ((p + VALUES.get(ch)!) * RADIX) % MODULUS;
  // p now holds 2·Σ vᵢ·2^(n−i), so a valid code gives 2·1.
  return p === RADIX % MODULUS;
}

/** A new random reference, e.g. "MH-7K3P-9QXD". */
export function newReference(random: RandomBytes = crypto.randomBytes): string {
  // Rejection sampling: only bytes below 253 (= 11 × 23) are used, so every character is equally likely.
  const limit = Math.floor(256 / MODULUS) * MODULUS;
  let body = '';
  while (body.length < RANDOM_LENGTH) {
    for (const byte of random(16)) {
      if (byte < limit && body.length < RANDOM_LENGTH) body += ALPHABET[byte % MODULUS];
    }
  }
  return format(body + checkCharacter(body));
}

function format(code: string): string {
  return `${PREFIX}-${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The eight characters someone typed, without the prefix, spaces, hyphens or dots, upper case; or null. */
function codeOf(text: string): string | null {
  let s = text.normalize('NFKC').toUpperCase().replace(/[\s\u00ad\u200b-\u200d\u2060\ufeff\-‐‑‒–—―.]/g, '');
  if (s.length === 10 && s.startsWith(PREFIX)) s = s.slice(PREFIX.length);
  if (s.length !== 8) return null;
  for (const ch of s) if (!VALUES.has(ch)) return null;
  return s;
}

/**
 * The canonical form ("MH-XXXX-XXXX") of a reference as typed or read out: any case, with or
 * without spaces, hyphens and the "MH" prefix. Null unless it is a reference with a correct check
 * character, so a mistyped reference is never looked up as someone else's.
 */
export function normaliseReference(text: string): string | null {
  const code = codeOf(text);
  return code && checks(code) ? format(code) : null;
}

/** Whether the text is a reference with a correct check character (after normalising). */
export function isValidReference(text: string): boolean {
  return normaliseReference(text) !== null;
}
