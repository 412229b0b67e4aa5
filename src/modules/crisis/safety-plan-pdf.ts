// A safety plan as a PDF (issue 6, item 4: "printable"), made on the server with pdfkit (pure
// JavaScript: no browser on the server). One A4 page or a few: what to do in danger first, in large
// type, then each step with its entries, then who saved this version and when.
//
// The plan is in the person's own words, in whatever language they write: the PDF embeds DejaVu Sans
// (the @fontsource/dejavu-sans package, unpacked in pdf-fonts.ts; pdfkit embeds only the letters used), which covers Latin in
// full (Polish, Turkish, Romanian, Yoruba, Vietnamese…), Greek and Cyrillic. pdfkit lays text out
// left to right and does not shape Indic scripts, and DejaVu has no Chinese, Japanese or Korean: those
// letters, and right-to-left scripts (Arabic, Hebrew…), are shown as "?" (or without their accent
// where the base letter is enough), and the PDF then says so and points to the page, which prints
// every script (see README, Safety plans).
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import type { Config } from '../../config.ts';
import { formatDateTime } from '../../platform/views/format.ts';
import { dejaVuSans } from './pdf-fonts.ts';
import { type Contact, type ShownVersion, STEPS } from './safety-plan.ts';

/** The faces used, from the font package's files. */
const FACE_FILES = { body: 'dejavu-sans-latin-400-normal.woff', bold: 'dejavu-sans-latin-700-normal.woff', italic: 'dejavu-sans-latin-400-italic.woff' } as const;
type Face = keyof typeof FACE_FILES;

interface Faces {
  files: Record<Face, Buffer>;
  /** Whether every face has a glyph for this code point. */
  shows(codePoint: number): boolean;
}

let loaded: Faces | undefined;

/** The fonts, read once (about 2 MB unpacked) on the first PDF. */
function faces(): Faces {
  if (loaded) return loaded;
  const files = {} as Record<Face, Buffer>;
  for (const face of Object.keys(FACE_FILES) as Face[]) files[face] = dejaVuSans(FACE_FILES[face]);
  const fonts = Object.values(files).map((b) => fontkit.create(b) as fontkit.Font);
  loaded = { files, shows: (codePoint) => fonts.every((f) => f.hasGlyphForCodePoint(codePoint)) };
  return loaded;
}

/** Scripts written right to left: pdfkit would lay their letters out backwards. */
const RIGHT_TO_LEFT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}]/u;
/** Scripts whose letters change shape with their neighbours, which pdfkit does not do. */
const NEEDS_SHAPING = /[\p{Script=Bengali}\p{Script=Devanagari}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Oriya}\p{Script=Myanmar}\p{Script=Khmer}\p{Script=Tibetan}]/u;

/** Letters Unicode does not decompose into a base letter and an accent. */
const BASE_LETTERS: Record<string, string> = { ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ħ: 'h', Ħ: 'H', ı: 'i', ŧ: 't', Ŧ: 'T' };

/**
 * Text the PDF's font can show: every letter it has, in a script it can lay out; otherwise the base
 * letter without its accent where that can be shown, or "?". Says whether anything changed.
 */
export function pdfText(text: string): { text: string; changed: boolean } {
  const { shows } = faces();
  const showable = (ch: string) => ch === '\n' || (!RIGHT_TO_LEFT.test(ch) && !NEEDS_SHAPING.test(ch) && shows(ch.codePointAt(0)!));
  let changed = false;
  let out = '';
  for (const ch of text) {
    if (showable(ch)) {
      out += ch;
      continue;
    }
    changed = true;
    const base = (BASE_LETTERS[ch] ?? ch).normalize('NFD').replace(/\p{M}/gu, '');
    out += base && [...base].every(showable) ? base : '?';
  }
  return { text: out, changed };
}

export interface PdfInput {
  serviceName: string;
  personName: string;
  plan: ShownVersion;
  crisis: Config['crisis'];
  generatedAt: Date;
}

const BODY = 'DejaVuSans';
const BOLD = 'DejaVuSans-Bold';
const ITALIC = 'DejaVuSans-Oblique';

const RED = '#d5281b';
const BLUE = '#005eb8';
const GREY = '#4c6272';
const BLACK = '#212b32';

function contactLine(c: Contact): string {
  return [c.name, c.phone, c.detail].filter(Boolean).join('  ·  ');
}

/** The plan as a PDF document (bytes). */
export function safetyPlanPdf(input: PdfInput): Promise<Buffer> {
  const { plan, crisis } = input;
  let lost = false;
  const t = (s: string) => {
    const r = pdfText(s);
    lost ||= r.changed;
    return r.text;
  };
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    // The document's properties are Unicode strings: the name as written, whatever its script.
    info: { Title: `Safety plan: ${input.personName}`, Author: input.serviceName, Subject: 'Safety plan', CreationDate: input.generatedAt, ModDate: input.generatedAt },
    lang: 'en-GB',
    displayTitle: true,
  });
  const { files } = faces();
  doc.registerFont(BODY, files.body);
  doc.registerFont(BOLD, files.bold);
  doc.registerFont(ITALIC, files.italic);
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 100;

  doc.fillColor(BLACK).font(BOLD).fontSize(24).text('My safety plan');
  doc.font(BODY).fontSize(13).text(t(input.personName));
  doc.moveDown(0.8);

  // What to do in danger first, boxed in red: it must be found at a glance.
  const lines = [
    `In danger now: call ${crisis.emergency}, or go to A&E.`,
    ...(crisis.localLine ? [`${crisis.localLine.name}: ${crisis.localLine.number}`] : []),
    `NHS ${crisis.nhs111}: choose the mental health option, day or night.`,
    `Samaritans: ${crisis.samaritans}, free, any time.`,
    `Shout: text SHOUT to ${crisis.shout}, free, any time.`,
  ];
  const top = doc.y;
  doc.font(BOLD).fontSize(14);
  const boxHeight = lines.reduce((h, l) => h + doc.heightOfString(t(l), { width: width - 24 }) + 4, 16);
  doc.lineWidth(3).rect(50, top, width, boxHeight).stroke(RED);
  doc.fillColor(BLACK).text('', 62, top + 8);
  for (const l of lines) doc.text(t(l), { width: width - 24 }).moveDown(0.2);
  doc.x = 50;
  doc.y = top + boxHeight + 16;

  for (const step of STEPS) {
    doc.fillColor(BLUE).font(BOLD).fontSize(15).text(t(step.number ? `Step ${step.number}: ${step.title}` : step.title), { width });
    doc.fillColor(GREY).font(ITALIC).fontSize(10).text(t(step.question), { width });
    doc.moveDown(0.3);
    doc.fillColor(BLACK).font(BODY).fontSize(12);
    const entries = step.kind === 'list' ? (plan.content[step.key as 'warningSigns'] ?? []) : (plan.content[step.key as 'helpPeople'] ?? []).map(contactLine);
    if (entries.length === 0) doc.fillColor(GREY).text('Nothing written yet.', { width });
    else doc.list(entries.map(t), { width, bulletRadius: 2.5, textIndent: 14, bulletIndent: 4 });
    doc.moveDown(0.8);
  }

  doc.fillColor(GREY).font(BODY).fontSize(9);
  const saved = `Version ${plan.version}, saved ${formatDateTime(plan.savedAt)} by ${plan.savedBy} (${plan.savedAs})${plan.withPerson ? ', written with me' : ''}.`;
  doc.text(t(saved), 50, doc.y, { width });
  doc.text(t(`Printed from ${input.serviceName} on ${formatDateTime(input.generatedAt)}. Keep it where you can find it quickly, and share it with people you trust.`), { width });
  if (lost) doc.fillColor(RED).text('Some letters could not be shown in this PDF. The plan on screen, and printed from the page, shows every letter.', { width });
  doc.end();
  return done;
}
