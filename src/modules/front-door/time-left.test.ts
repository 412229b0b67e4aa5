import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timeLeft } from './time-left.ts';

const base = { created_at: '2026-12-01T10:00:00.000Z', contact_target_at: '2026-12-01T14:00:00.000Z', first_contact_at: null, status: 'received' };

describe('time left to a contact target', () => {
  it('says how long is left, in words', () => {
    assert.deepEqual(timeLeft(base, new Date('2026-12-01T11:00:00Z')), { text: '3 hours left', tag: 'white', breached: false });
  });
  it('warns in the last quarter of the time', () => {
    assert.equal(timeLeft(base, new Date('2026-12-01T13:30:00Z')).tag, 'orange');
  });
  it('says the target was missed, and by how long', () => {
    assert.deepEqual(timeLeft(base, new Date('2026-12-01T14:45:00Z')), { text: 'Target missed 45 minutes ago', tag: 'red', breached: true });
  });
  it('says contacted once someone has been reached, and whether it was late', () => {
    assert.equal(timeLeft({ ...base, first_contact_at: '2026-12-01T12:00:00.000Z' }, new Date('2026-12-01T15:00:00Z')).text, 'Contacted');
    assert.equal(timeLeft({ ...base, first_contact_at: '2026-12-01T15:00:00.000Z' }, new Date('2026-12-01T16:00:00Z')).text, 'Contacted after the target');
  });
});
