// The safety plan PDF's fonts: WOFF unpacked into the TrueType font it holds, table for table.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import * as fontkit from 'fontkit';
import { dejaVuSans, woffToSfnt } from './pdf-fonts.ts';

const woffFile = createRequire(import.meta.url).resolve('@fontsource/dejavu-sans/files/dejavu-sans-latin-400-normal.woff');

describe('the PDF fonts', () => {
  it('unpacks a WOFF font into the same font: every table, glyph and letter', () => {
    const woff = fs.readFileSync(woffFile);
    const packed = fontkit.create(woff) as fontkit.Font;
    const sfnt = woffToSfnt(woff);
    assert.equal(sfnt.readUInt32BE(0), 0x00010000, 'a TrueType font');
    const unpacked = fontkit.create(sfnt) as fontkit.Font;
    assert.equal(unpacked.postscriptName, packed.postscriptName);
    assert.equal(unpacked.numGlyphs, packed.numGlyphs);
    assert.deepEqual(unpacked.characterSet, packed.characterSet);
    for (const text of ['Zażółć gęślą jaźń', 'Привіт', 'Tiếng Việt', 'Ọmọ']) {
      assert.deepEqual(
        unpacked.layout(text).glyphs.map((g) => g.id),
        packed.layout(text).glyphs.map((g) => g.id),
        text,
      );
    }
    assert.equal(sfnt.readUInt16BE(4), woff.readUInt16BE(12), 'every table');
  });

  it('refuses what is not a WOFF font, and a damaged table', () => {
    assert.throws(() => woffToSfnt(Buffer.from('not a font at all, and long enough to read a header from it')), /Not a WOFF 1\.0 font/);
    const woff = Buffer.from(fs.readFileSync(woffFile));
    woff.writeUInt32BE(woff.readUInt32BE(44 + 12) + 1, 44 + 12); // the first table says it is one byte longer
    assert.throws(() => woffToSfnt(woff), /damaged/);
  });

  it('gives the package’s three faces', () => {
    for (const file of ['dejavu-sans-latin-400-normal.woff', 'dejavu-sans-latin-700-normal.woff', 'dejavu-sans-latin-400-italic.woff']) {
      const font = fontkit.create(dejaVuSans(file)) as fontkit.Font;
      assert.match(font.familyName, /DejaVu Sans/);
      assert.ok(font.hasGlyphForCodePoint('ż'.codePointAt(0)!));
    }
  });
});
