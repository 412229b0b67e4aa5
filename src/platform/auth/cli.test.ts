// The `mutual users` commands as the command line runs them (parsed by commander, in process).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { createOrganisation, findUserByEmail } from './accounts.ts';
import { registerUserCommands } from './cli.ts';
import { verifyPassword } from './passwords.ts';
import { type TestDatabase, testDialects } from '../db/testing.ts';
import { TestClock } from '../time/clock.ts';

function program(): { cmd: Command; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const cmd = new Command().name('mutual').exitOverride();
  cmd.configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  registerUserCommands(cmd);
  for (const c of cmd.commands) {
    c.exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
    for (const sub of c.commands) sub.exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  }
  return { cmd, out, err };
}

/** Runs a command, capturing console output and the exit code it sets. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { cmd } = program();
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    await cmd.parseAsync(args, { from: 'user' });
    return { code: Number(process.exitCode ?? 0), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
    process.exitCode = undefined;
  }
}

describe('mutual users', () => {
  const sqlite = testDialects()[0]!;
  let t: TestDatabase;
  let previousUrl: string | undefined;
  before(async () => {
    t = await sqlite.fresh();
    await t.db.write((tx) => createOrganisation(tx, new TestClock().now(), { name: 'Lambeth Council', kind: 'council' }));
    previousUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = `sqlite:${(t.target as { file: string }).file}`;
  });
  after(async () => {
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    await t.close();
  });

  it('documents each command and its options', () => {
    const { cmd } = program();
    const users = cmd.commands.find((c) => c.name() === 'users')!;
    assert.deepEqual(users.commands.map((c) => c.name()), ['create', 'disable', 'reset-mfa']);
    const help = users.commands[0]!.helpInformation();
    for (const option of ['--email <email>', '--name <name>', '--role <role>', '--organisation <organisation>', '--team <team>', '--password-stdin']) {
      assert.ok(help.includes(option), option);
    }
  });

  it('creates an account and prints its generated password once', async () => {
    const res = await run(['users', 'create', '--email', 'Cllr.Sam@example.org', '--name', 'Sam Okafor', '--role', 'commissioner', '--organisation', 'Lambeth Council']);
    assert.equal(res.code, 0, res.err);
    const password = /Password \(shown once; give it to them securely\): (\S+)/.exec(res.out)?.[1];
    assert.ok(password);
    const user = await findUserByEmail(t.db.read, 'cllr.sam@example.org');
    assert.ok(user?.password_hash);
    assert.equal(await verifyPassword(user.password_hash, password), true);
  });

  it('exits 1 with a clear message for an unknown organisation, role or email', async () => {
    const org = await run(['users', 'create', '--email', 'x@example.org', '--name', 'X', '--role', 'admin', '--organisation', 'Nowhere']);
    assert.equal(org.code, 1);
    assert.match(org.err, /No organisation has the id or name "Nowhere"/);
    const role = await run(['users', 'create', '--email', 'x@example.org', '--name', 'X', '--role', 'boss', '--organisation', 'Lambeth Council']);
    assert.equal(role.code, 1);
    assert.match(role.err, /Unknown role "boss"/);
    const email = await run(['users', 'disable', 'nobody@example.org']);
    assert.equal(email.code, 1);
    assert.match(email.err, /No account has that email address/);
    const reset = await run(['users', 'reset-mfa', 'nobody@example.org']);
    assert.equal(reset.code, 1);
  });

  it('disables an account and resets an authenticator by email', async () => {
    await run(['users', 'create', '--email', 'leaver@example.org', '--name', 'Leaver', '--role', 'practitioner', '--organisation', 'Lambeth Council']);
    const reset = await run(['users', 'reset-mfa', 'leaver@example.org']);
    assert.equal(reset.code, 0, reset.err);
    const res = await run(['users', 'disable', 'leaver@example.org']);
    assert.equal(res.code, 0, res.err);
    assert.match(res.out, /Disabled the account; 0 sessions ended/);
    assert.ok((await findUserByEmail(t.db.read, 'leaver@example.org'))?.disabled_at);
  });
});
