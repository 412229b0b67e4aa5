// The promise of durable timers, tested on the real server: a timer that falls due while the server
// is dead (killed with SIGKILL, no chance to clean up) runs once when a server starts again.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { openDatabase } from '../db/database.ts';
import { DELIVER_TIMER, enqueueMessage } from '../notify/outbox.ts';

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function startServer(file: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: `sqlite:${file}`, PORT: '0', DEMO: 'false', WORKER: 'true', WORKER_INTERVAL_MS: '100', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => {
    out += String(c);
  });
  child.stderr!.on('data', (c) => {
    out += String(c);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!/is running at http/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server did not start:\n${out}`);
    }
    await sleep(50);
  }
  return { child, output: () => out, exited };
}

describe('a timer due while the server was killed', () => {
  it('runs once after the server starts again: the message is sent once and its timer is done', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-restart-'));
    const file = path.join(dir, 'mutual.db');
    let server: Server | undefined;
    const db = () => openDatabase({ kind: 'sqlite', file });
    try {
      server = await startServer(file); // migrates the new database

      // A change elsewhere writes a message whose delivery falls due four seconds from now.
      const dueIn = 4000;
      const writer = db();
      const aheadClock = { now: () => new Date(Date.now() + dueIn) };
      const id = (await writer.write((tx) =>
        enqueueMessage(tx, aheadClock, { channel: 'sms', to: '07700900222', kind: 'test.restart', personalisation: { body: 'Restart test message' } }),
      ))!;
      await writer.close();
      const dueAt = Date.now() + dueIn;

      // Killed hard, before it is due.
      server.child.kill('SIGKILL');
      await server.exited;
      server = undefined;

      const reader = db();
      try {
        const before = await reader.read.selectFrom('outbox_messages').select(['status', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow();
        assert.deepEqual(before, { status: 'pending', attempts: 0 });

        // It falls due while no server runs.
        await sleep(Math.max(dueAt - Date.now() + 500, 0));

        server = await startServer(file);
        const deadline = Date.now() + 20_000;
        let message = before;
        while (message.status !== 'sent' && Date.now() < deadline) {
          await sleep(100);
          message = await reader.read.selectFrom('outbox_messages').select(['status', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow();
        }
        assert.deepEqual(message, { status: 'sent', attempts: 1 });
        const timers = await reader.read.selectFrom('timers').select(['status', 'attempts']).where('dedupe_key', '=', `${DELIVER_TIMER}:${id}`).execute();
        assert.deepEqual(timers, [{ status: 'done', attempts: 1 }]);

        // Graceful shutdown: SIGTERM stops the worker, finishes requests, closes the database, exits 0.
        server.child.kill('SIGTERM');
        assert.equal(await server.exited, 0);
        const log = server.output();
        server = undefined;
        assert.equal(log.split(id).length - 1, 1, 'one delivery logged, by message id');
        assert.doesNotMatch(log, /07700900222|Restart test message/);
      } finally {
        await reader.close();
      }
    } finally {
      server?.child.kill('SIGKILL');
      if (server) await server.exited;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
