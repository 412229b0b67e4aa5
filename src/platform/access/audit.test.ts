import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { dropAppendOnlyTriggers } from '../db/dialect/append-only.ts';
import { type TestDatabase, testDialects } from '../db/testing.ts';
import { type AuditInput, auditEventsForPerson, recordAudit, verifyAuditChain } from './audit.ts';

const run = promisify(execFile);

function event(n: number, overrides: Partial<AuditInput> = {}): AuditInput {
  return {
    at: new Date(Date.UTC(2026, 11, 1, 10, 0, n)),
    actorUserId: '01900000-0000-7000-8000-000000000001',
    actorRole: 'practitioner',
    action: `test.action-${n}`,
    entityType: 'request',
    entityId: `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    personId: '01900000-0000-7000-8000-00000000aaaa',
    purpose: 'direct care',
    outcome: 'success',
    address: '192.0.2.1',
    ...overrides,
  };
}

async function append(t: TestDatabase, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) await t.db.write((tx) => recordAudit(tx, event(i)));
}

for (const dialect of testDialects()) {
  describe(`audit trail (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.fresh();
    });
    after(async () => {
      await t?.close();
    });

    async function fresh(count: number): Promise<TestDatabase> {
      const f = await dialect.fresh();
      await append(f, count);
      return f;
    }

    it('chains appended events by seq and verifies them as intact', async () => {
      const f = await fresh(5);
      try {
        const rows = await f.db.read.selectFrom('audit_events').select(['seq', 'prev_hash', 'hash']).orderBy('seq').execute();
        assert.deepEqual(
          rows.map((r) => Number(r.seq)),
          [1, 2, 3, 4, 5],
        );
        assert.equal(rows[0]!.prev_hash, '0'.repeat(64));
        for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.prev_hash, rows[i - 1]!.hash);
        assert.deepEqual(await verifyAuditChain(f.db.read), { ok: true, count: 5 });
      } finally {
        await f.close();
      }
    });

    it('writes nothing when the unit of work it belongs to fails', async () => {
      const before = await verifyAuditChain(t.db.read);
      await assert.rejects(
        t.db.write(async (tx) => {
          await recordAudit(tx, event(99));
          throw new Error('the change fails after its audit event');
        }),
      );
      assert.deepEqual(await verifyAuditChain(t.db.read), before);
    });

    it('refuses UPDATE and DELETE on audit events in the database itself', async () => {
      await t.db.write((tx) => recordAudit(tx, event(1)));
      await assert.rejects(
        t.db.write((tx) => tx.updateTable('audit_events').set({ action: 'something-else' }).where('seq', '=', 1).execute()),
        /append-only/,
      );
      await assert.rejects(
        t.db.write((tx) => tx.deleteFrom('audit_events').where('seq', '=', 1).execute()),
        /append-only/,
      );
      const row = await t.db.read.selectFrom('audit_events').select(['action']).where('seq', '=', 1).executeTakeFirstOrThrow();
      assert.equal(row.action, 'test.action-1');
    });

    it('names the first changed event when one field of a row was changed', async () => {
      const f = await fresh(6);
      try {
        await dropAppendOnlyTriggers(f.db.writer, 'audit_events');
        await f.db.writer.updateTable('audit_events').set({ actor_user_id: '01900000-0000-7000-8000-0000000000ff' }).where('seq', '=', 4).execute();
        const result = await verifyAuditChain(f.db.read);
        assert.equal(result.ok, false);
        assert.ok(!result.ok);
        assert.equal(result.seq, 4);
        assert.equal(result.action, 'test.action-4');
        assert.match(result.reason, /changed/);
      } finally {
        await f.close();
      }
    });

    it('chains the actor’s team with the event, and names the event whose team was changed or removed', async () => {
      const f = await dialect.fresh();
      try {
        const team = '01900000-0000-7000-8000-00000000beef';
        for (let i = 1; i <= 4; i++) await f.db.write((tx) => recordAudit(tx, event(i, { actorTeamId: i % 2 === 0 ? team : null })));
        assert.deepEqual(await verifyAuditChain(f.db.read), { ok: true, count: 4 });
        const teams = await f.db.read.selectFrom('audit_events').select(['actor_team_id']).orderBy('seq').execute();
        assert.deepEqual(
          teams.map((r) => r.actor_team_id),
          [null, team, null, team],
        );
        await dropAppendOnlyTriggers(f.db.writer, 'audit_events');
        await f.db.writer.updateTable('audit_events').set({ actor_team_id: null }).where('seq', '=', 2).execute();
        const result = await verifyAuditChain(f.db.read);
        assert.ok(!result.ok);
        assert.equal(result.seq, 2);
        assert.match(result.reason, /changed/);
      } finally {
        await f.close();
      }
    });

    it('names the missing event when a row was deleted', async () => {
      const f = await fresh(6);
      try {
        await dropAppendOnlyTriggers(f.db.writer, 'audit_events');
        await f.db.writer.deleteFrom('audit_events').where('seq', '=', 3).execute();
        const result = await verifyAuditChain(f.db.read);
        assert.ok(!result.ok);
        assert.equal(result.seq, 3);
        assert.match(result.reason, /event 3 is missing.*from 2 to 4/);
      } finally {
        await f.close();
      }
    });

    it('names the first misplaced event when two rows were swapped', async () => {
      const f = await fresh(6);
      try {
        await dropAppendOnlyTriggers(f.db.writer, 'audit_events');
        await f.db.writer.updateTable('audit_events').set({ seq: 1000 }).where('seq', '=', 2).execute();
        await f.db.writer.updateTable('audit_events').set({ seq: 2 }).where('seq', '=', 3).execute();
        await f.db.writer.updateTable('audit_events').set({ seq: 3 }).where('seq', '=', 1000).execute();
        const result = await verifyAuditChain(f.db.read);
        assert.ok(!result.ok);
        assert.equal(result.seq, 2);
        assert.equal(result.action, 'test.action-3');
        assert.match(result.reason, /reordered/);
      } finally {
        await f.close();
      }
    });

    it('keeps a valid chain under 50 concurrent appends', async () => {
      const f = await dialect.fresh();
      try {
        await Promise.all(Array.from({ length: 50 }, (_, i) => f.db.write((tx) => recordAudit(tx, event(i + 1)))));
        assert.deepEqual(await verifyAuditChain(f.db.read), { ok: true, count: 50 });
      } finally {
        await f.close();
      }
    });

    it('lists a person’s events newest first, a page at a time', async () => {
      const personId = '01900000-0000-7000-8000-00000000bbbb';
      for (let i = 1; i <= 5; i++) await t.db.write((tx) => recordAudit(tx, event(i, { personId, action: `viewed-${i}` })));
      await t.db.write((tx) => recordAudit(tx, event(6, { personId: null, action: 'someone-else' })));
      const first = await auditEventsForPerson(t.db.read, personId, { limit: 3 });
      assert.deepEqual(
        first.map((e) => e.action),
        ['viewed-5', 'viewed-4', 'viewed-3'],
      );
      const next = await auditEventsForPerson(t.db.read, personId, { limit: 3, before: first.at(-1)!.seq });
      assert.deepEqual(
        next.map((e) => e.action),
        ['viewed-2', 'viewed-1'],
      );
    });
  });
}

describe('mutual audit verify', () => {
  const sqlite = testDialects()[0]!;
  const cli = (file: string) =>
    run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'audit', 'verify'], { env: { ...process.env, DATABASE_URL: `sqlite:${file}`, NODE_ENV: 'test' } });

  it('exits 0 reporting the count when the trail is intact, and 1 naming the changed event after tampering', async () => {
    const f = await sqlite.fresh();
    try {
      await append(f, 4);
      assert.ok(f.target.kind === 'sqlite');
      const ok = await cli(f.target.file);
      assert.match(ok.stdout, /Audit trail intact: 4 events/);

      await dropAppendOnlyTriggers(f.db.writer, 'audit_events');
      await f.db.writer.updateTable('audit_events').set({ outcome: 'denied' }).where('seq', '=', 2).execute();
      const bad = await cli(f.target.file).then(
        () => assert.fail('verify should exit 1'),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /Audit trail broken at event 2 \(test\.action-2\): its contents were changed/);
    } finally {
      await f.close();
    }
  });
});
