// A safety plan as a PDF (issue 6, item 4: "printable"), made on the server with pdfkit (pure
// JavaScript: no browser on the server). One A4 page or a few: what to do in danger first, in large
// type, then each step with its entries, then who saved this version and when. The PDF uses the
// standard Helvetica font (nothing to fetch or ship), which covers Western European letters only:
// other letters are shown without their accents where that is possible, otherwise as "?", and the
// PDF then says so and points to the page, which prints every script (see README, Safety plans).
import PDFDocument from 'pdfkit';
import type { Config } from '../../config.ts';
import { formatDateTime } from '../../platform/views/format.ts';
import { type Contact, type ShownVersion, STEPS } from './safety-plan.ts';

// WinAnsiEncoding (PDF 32000-1, Annex D): Latin-1's printable characters and these.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

// Letters Unicode does not decompose into a base letter and an accent.
const BASE_LETTERS: Record<string, string> = { ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ħ: 'h', Ħ: 'H', ı: 'i', ŧ: 't', Ŧ: 'T' };

function encodable(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(ch) || ch === '\n';
}

/** Text the standard font can show: accents dropped where the base letter can be shown, otherwise "?". Says whether anything changed. */
export function pdfText(text: string): { text: string; changed: boolean } {
  let changed = false;
  let out = '';
  for (const ch of text) {
    if (encodable(ch)) {
      out += ch;
      continue;
    }
    changed = true;
    const base = (BASE_LETTERS[ch] ?? ch).normalize('NFD').replace(/\p{M}/gu, '');
    out += base && [...base].every(encodable) ? base : '?';
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
    info: { Title: t(`Safety plan: ${input.personName}`), Author: t(input.serviceName), Subject: 'Safety plan', CreationDate: input.generatedAt, ModDate: input.generatedAt },
    lang: 'en-GB',
    displayTitle: true,
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 100;

  doc.fillColor(BLACK).font('Helvetica-Bold').fontSize(24).text('My safety plan');
  doc.font('Helvetica').fontSize(13).text(t(input.personName));
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
  doc.font('Helvetica-Bold').fontSize(14);
  const boxHeight = lines.reduce((h, l) => h + doc.heightOfString(t(l), { width: width - 24 }) + 4, 16);
  doc.lineWidth(3).rect(50, top, width, boxHeight).stroke(RED);
  doc.fillColor(BLACK).text('', 62, top + 8);
  for (const l of lines) doc.text(t(l), { width: width - 24 }).moveDown(0.2);
  doc.x = 50;
  doc.y = top + boxHeight + 16;

  for (const step of STEPS) {
    doc.fillColor(BLUE).font('Helvetica-Bold').fontSize(15).text(t(step.number ? `Step ${step.number}: ${step.title}` : step.title), { width });
    doc.fillColor(GREY).font('Helvetica-Oblique').fontSize(10).text(t(step.question), { width });
    doc.moveDown(0.3);
    doc.fillColor(BLACK).font('Helvetica').fontSize(12);
    const entries = step.kind === 'list' ? (plan.content[step.key as 'warningSigns'] ?? []) : (plan.content[step.key as 'helpPeople'] ?? []).map(contactLine);
    if (entries.length === 0) doc.fillColor(GREY).text('Nothing written yet.', { width });
    else doc.list(entries.map(t), { width, bulletRadius: 2.5, textIndent: 14, bulletIndent: 4 });
    doc.moveDown(0.8);
  }

  doc.fillColor(GREY).font('Helvetica').fontSize(9);
  const saved = `Version ${plan.version}, saved ${formatDateTime(plan.savedAt)} by ${plan.savedBy} (${plan.savedAs})${plan.withPerson ? ', written with me' : ''}.`;
  doc.text(t(saved), 50, doc.y, { width });
  doc.text(t(`Printed from ${input.serviceName} on ${formatDateTime(input.generatedAt)}. Keep it where you can find it quickly, and share it with people you trust.`), { width });
  if (lost) doc.fillColor(RED).text('Some letters could not be shown in this PDF. The plan on screen, and printed from the page, shows every letter.', { width });
  doc.end();
  return done;
}
