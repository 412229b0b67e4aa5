// `mutual users create | disable | reset-mfa`: looking after local accounts from the command line.
import type { Command } from 'commander';
import { ROLES } from '../access/policy.ts';
import { withDatabase } from '../cli.ts';
import { systemClock } from '../time/clock.ts';
import { AccountError, createAccount, disableUserByEmail, generatePassword, MIN_PASSWORD_LENGTH, resetMfaByEmail } from './manage.ts';

const CLI: { userId: null; role: string } = { userId: null, role: 'cli' };

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Runs an account change; a mistake in what was asked prints its message and exits 1. */
async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof AccountError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('Local accounts: create them, disable them, reset their authenticator.');

  users
    .command('create')
    .description('Create an account with one role in an organisation (and optionally a team). Prints a generated password once, unless --password-stdin.')
    .requiredOption('--email <email>', 'their email address (they sign in with it)')
    .requiredOption('--name <name>', 'their name as shown to others')
    .requiredOption('--role <role>', `one of: ${ROLES.join(', ')}`)
    .requiredOption('--organisation <organisation>', 'the organisation: its id or exact name')
    .option('--team <team>', 'a team of that organisation: its id or exact name')
    .option('--password-stdin', `read the password from standard input (at least ${MIN_PASSWORD_LENGTH} characters) instead of generating one`)
    .action(async (opts: { email: string; name: string; role: string; organisation: string; team?: string; passwordStdin?: boolean }) => {
      await withDatabase(async (db) =>
        run(async () => {
          const password = opts.passwordStdin ? await readStdin() : generatePassword();
          await createAccount(db, systemClock, { email: opts.email, name: opts.name, role: opts.role, organisation: opts.organisation, team: opts.team, password }, CLI);
          console.log(`Created the account ${opts.email.trim().toLowerCase()} (${opts.role}).`);
          if (!opts.passwordStdin) console.log(`Password (shown once; give it to them securely): ${password}`);
        }),
      );
    });

  users
    .command('disable')
    .description('Disable an account: it can no longer sign in, and its sessions end now.')
    .argument('<email>', 'the account’s email address')
    .action(async (email: string) => {
      await withDatabase(async (db) =>
        run(async () => {
          const ended = await disableUserByEmail(db, systemClock, email, CLI);
          console.log(`Disabled the account; ${ended} ${ended === 1 ? 'session' : 'sessions'} ended.`);
        }),
      );
    });

  users
    .command('reset-mfa')
    .description('Clear an account’s authenticator app, so they set one up again at their next sign-in. Ends their sessions.')
    .argument('<email>', 'the account’s email address')
    .action(async (email: string) => {
      await withDatabase(async (db) =>
        run(async () => {
          await resetMfaByEmail(db, systemClock, email, CLI);
          console.log('Reset the authenticator: they will set it up again at their next sign-in.');
        }),
      );
    });
}
