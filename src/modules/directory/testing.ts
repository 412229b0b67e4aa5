// Test support for other modules: a directory service run by an alliance organisation (its provider
// admins maintain it; referrals to it reach that organisation). Each call makes unique data.
import type { Platform } from '../../platform/context.ts';
import { organisationRecord, serviceRecord } from './factories.ts';
import type { ServiceRecord } from './model.ts';
import { upsertServiceRecord } from './store.ts';

/** A service whose directory organisation is the alliance organisation given. Returns its id. */
export async function aServiceRunBy(platform: Platform, platformOrganisationId: string, overrides: Partial<ServiceRecord> = {}): Promise<string> {
  const record = serviceRecord({ organisation: organisationRecord({ name: `Partner ${platformOrganisationId.slice(-6)}`, platformOrganisationId }), howToAccess: ['mutual-referral'], ...overrides });
  await platform.db.write((tx) => upsertServiceRecord(tx, record, { now: platform.clock.now(), actorUserId: null, change: 'created' }));
  return record.id;
}
