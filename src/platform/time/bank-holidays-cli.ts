// `mutual import bank-holidays <file.json>`: merges a newer GOV.UK bank holidays file
// (https://www.gov.uk/bank-holidays.json) into the shipped data (see bank-holidays.ts).
import type { Command } from 'commander';
import { BANK_HOLIDAYS_FILE, BankHolidayFeedError, importBankHolidayFile } from './bank-holidays.ts';

/** Runs the import and prints what changed. Returns the exit code. */
export function runBankHolidayImport(file: string, target: URL | string = BANK_HOLIDAYS_FILE, out: (line: string) => void = console.log): number {
  try {
    const s = importBankHolidayFile(file, target);
    out(`Bank holidays of England and Wales from ${file}`);
    out(`  years      ${s.years.join(', ')} (${s.added} bank holidays, replacing ${s.replaced})`);
    out(`  now cover  ${s.first} to ${s.last}`);
    out('Restart Mutual to use them, and commit src/platform/time/bank-holidays.json so every deployment has them.');
    return 0;
  } catch (error) {
    if (error instanceof BankHolidayFeedError) {
      out(error.message);
      return 1;
    }
    throw error;
  }
}

/** Adds `mutual import bank-holidays` to the command line. */
export function registerBankHolidayCommand(program: Command): void {
  const importCommand = program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('Import data into Mutual.');
  importCommand
    .command('bank-holidays')
    .description('Merge a newer GOV.UK bank holidays file (https://www.gov.uk/bank-holidays.json) into the calendar: the years it covers replace ours.')
    .argument('<file>', 'a JSON file in the GOV.UK format')
    .action((file: string) => {
      process.exitCode = runBankHolidayImport(file);
    });
}
