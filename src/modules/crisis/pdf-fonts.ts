// The fonts the safety plan's PDF embeds (safety-plan-pdf.ts): DejaVu Sans from the
// @fontsource/dejavu-sans package, which ships it as WOFF (a font whose tables are each
// zlib-compressed). fontkit, which pdfkit lays text out and subsets fonts with, reads a WOFF font's
// tables again on every look-up: a plan took 5.5 s to lay out. Unpacked once into the plain
// TrueType it was made from (the same tables, uncompressed; WOFF 1.0, W3C), the same plan takes
// milliseconds. WOFF 2 is not used: fontkit's subsetting fails on its composite glyphs.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';

const WOFF_SIGNATURE = 0x774f4646; // 'wOFF'
const WOFF_HEADER = 44;
const WOFF_ENTRY = 20;

/** The TrueType (or OpenType) font a WOFF 1.0 file holds: its tables unpacked, in a plain sfnt table directory. */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < WOFF_HEADER || woff.readUInt32BE(0) !== WOFF_SIGNATURE) throw new Error('Not a WOFF 1.0 font.');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: { tag: number; checksum: number; data: Buffer }[] = [];
  for (let i = 0; i < numTables; i++) {
    const at = WOFF_HEADER + i * WOFF_ENTRY;
    const offset = woff.readUInt32BE(at + 4);
    const compLength = woff.readUInt32BE(at + 8);
    const origLength = woff.readUInt32BE(at + 12);
    const stored = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(stored) : stored;
    if (data.length !== origLength) throw new Error('A table of the WOFF font is damaged.');
    tables.push({ tag: woff.readUInt32BE(at), checksum: woff.readUInt32BE(at + 16), data });
  }
  // The sfnt header's binary-search fields (OpenType, "Table directory").
  let entrySelector = 0;
  while (2 ** (entrySelector + 1) <= numTables) entrySelector++;
  const searchRange = 2 ** entrySelector * 16;
  const directory = 12 + numTables * 16;
  const padded = (n: number) => (n + 3) & ~3;
  const out = Buffer.alloc(directory + tables.reduce((sum, t) => sum + padded(t.data.length), 0));
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(numTables * 16 - searchRange, 10);
  let offset = directory;
  tables.forEach((t, i) => {
    const at = 12 + i * 16;
    out.writeUInt32BE(t.tag, at);
    out.writeUInt32BE(t.checksum, at + 4);
    out.writeUInt32BE(offset, at + 8);
    out.writeUInt32BE(t.data.length, at + 12);
    t.data.copy(out, offset);
    offset += padded(t.data.length);
  });
  return out;
}

/** A face of DejaVu Sans from the font package, as TrueType. */
export function dejaVuSans(file: string): Buffer {
  const require = createRequire(import.meta.url);
  return woffToSfnt(fs.readFileSync(require.resolve(`@fontsource/dejavu-sans/files/${file}`)));
}
