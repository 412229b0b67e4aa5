// `mutual audit verify`: walks the hash chain and names the first event that is not as written.
import type { Command } from 'commander';
import { withDatabase } from '../cli.ts';
import { verifyAuditChain } from './audit.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The audit trail.');
  audit
    .command('verify')
    .description('Check that no audit event was changed, removed or reordered (exit 1 naming the first that was).')
    .action(async () => {
      await withDatabase(async (db) => {
        const result = await verifyAuditChain(db.read);
        if (result.ok) {
          console.log(`Audit trail intact: ${result.count} events`);
          return;
        }
        const what = result.action ? ` (${result.action})` : '';
        console.error(`Audit trail broken at event ${result.seq}${what}: ${result.reason}`);
        process.exitCode = 1;
      });
    });
}
