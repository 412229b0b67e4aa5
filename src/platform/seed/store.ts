// Queries the demo seed needs: is the database empty, and does it hold the demo alliance?
import type { Kysely } from 'kysely';
import type { DB } from '../db/tables.ts';

/** Whether any organisation, team or user exists: the demo seed runs only on an empty database. */
export async function holdsAccounts(db: Kysely<DB>): Promise<boolean> {
  const org = await db.selectFrom('organisations').select(['id']).limit(1).executeTakeFirst();
  if (org) return true;
  const team = await db.selectFrom('teams').select(['id']).limit(1).executeTakeFirst();
  if (team) return true;
  const user = await db.selectFrom('users').select(['id']).limit(1).executeTakeFirst();
  return user !== undefined;
}

/** Whether the organisation with this id exists (the demo trust, to tell that demo data is present). */
export async function organisationExists(db: Kysely<DB>, id: string): Promise<boolean> {
  const row = await db.selectFrom('organisations').select(['id']).where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}
