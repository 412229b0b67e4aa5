import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDateTime, formatDuration, formatTime } from './format.ts';

describe('formatting for people in England', () => {
  it('shows GMT in winter and BST in summer', () => {
    assert.equal(formatDateTime('2026-01-15T14:05:00.000Z'), '15 January 2026 at 14:05');
    assert.equal(formatTime('2026-07-15T14:05:00.000Z'), '15:05');
  });

  it('says durations in words', () => {
    assert.equal(formatDuration(45 * 60_000), '45 minutes');
    assert.equal(formatDuration(125 * 60_000), '2 hours 5 minutes');
    assert.equal(formatDuration((3 * 1440 + 120) * 60_000), '3 days 2 hours');
    assert.equal(formatDuration(10_000), 'less than a minute');
  });
});
