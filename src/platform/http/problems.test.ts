import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { fieldId, parseInput } from './problems.ts';

describe('parseInput', () => {
  const schema = z.object({
    name: z.string().trim().min(1, 'Enter your name'),
    person: z.object({ postcode: z.string().min(5, 'Enter a full postcode') }),
  });

  it('gives one message a field, linked from the summary to the field, and keeps what was typed', () => {
    const r = parseInput(schema, { name: '  ', person: { postcode: 'SW9' } });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.errors.summary, [
      { text: 'Enter your name', href: '#name' },
      { text: 'Enter a full postcode', href: '#person-postcode' },
    ]);
    assert.deepEqual(r.errors.fields['person.postcode'], { text: 'Enter a full postcode' });
    assert.deepEqual(r.values, { name: '  ', person: { postcode: 'SW9' } });
  });

  it('returns the parsed data when the input is valid', () => {
    const r = parseInput(schema, { name: ' Ada ', person: { postcode: 'SW9 9SL' } });
    assert.deepEqual(r, { ok: true, data: { name: 'Ada', person: { postcode: 'SW9 9SL' } } });
  });

  it('makes ids from dotted and indexed paths', () => {
    assert.equal(fieldId('person.postcode'), 'person-postcode');
    assert.equal(fieldId('items[0].name'), 'items-0-name');
  });
});
