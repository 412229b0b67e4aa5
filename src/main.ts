// The `mutual` command: serve, migrate, seed, users, audit, backup, import.
// Every command validates the configuration first and exits 1 naming the variable at fault.
import { Command, Option } from 'commander';
import { registerAuditCommands } from './platform/access/audit-cli.ts';
import { registerUserCommands } from './platform/auth/cli.ts';
import { configOrExit, withDatabase } from './platform/cli.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { registerBackupCommand } from './platform/observability/backup.ts';
import { systemClock } from './platform/time/clock.ts';
import { serve } from './server.ts';
import { registerImportCommands } from './modules/directory/import-cli.ts';
import { registerDischargeImportCommand } from './modules/crisis/discharge-cli.ts';
import { registerSeedCommand } from './seed.ts';
import { registerBankHolidayCommand } from './platform/time/bank-holidays-cli.ts';

export { withDatabase } from './platform/cli.ts';

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const program = new Command();
program.name('mutual').description('Mutual: software for a community mental-health alliance.').showHelpAfterError();

program
  .command('start')
  .description('Migrate, seed the demo alliance if the database is empty (not in production), and serve.')
  .action(async () => {
    await serve(configOrExit(), systemClock, { seedDemoIfEmpty: true });
  });

program
  .command('serve')
  .description('Serve the product (run `mutual migrate` first in production).')
  .addOption(new Option('--no-migrate', 'do not run migrations at start'))
  .action(async (opts: { migrate: boolean }) => {
    await serve(configOrExit(), systemClock, { seedDemoIfEmpty: false, migrate: opts.migrate });
  });

program
  .command('migrate')
  .description('Bring the database schema up to date.')
  .action(async () => {
    await withDatabase(async (db) => {
      const ran = await migrateToLatest(db);
      console.log(ran.length ? `Ran ${ran.length} migrations:\n  ${ran.join('\n  ')}` : 'The database is up to date.');
    });
  });

registerImportCommands(program);
registerDischargeImportCommand(program);
registerBankHolidayCommand(program);
registerSeedCommand(program);
registerAuditCommands(program);
registerUserCommands(program);
registerBackupCommand(program);

export { program };

const isMain = process.argv[1] && import.meta.filename === (await import('node:fs')).realpathSync(process.argv[1]);
if (isMain) {
  await program.parseAsync(process.argv).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
