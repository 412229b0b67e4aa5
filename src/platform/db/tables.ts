// Table types for Kysely: one interface per table, snake_case as in the database.
// Timestamps are ISO-8601 UTC strings; JSON columns are strings (parse with parseJson);
// flags are 0 or 1. Each module's tables are grouped under its heading.
import type { Generated } from 'kysely';

// ---- platform: accounts ----------------------------------------------------------------------

export interface OrganisationsTable {
  id: string;
  name: string;
  kind: string;
  description: string | null;
  website: string | null;
  created_at: string;
  updated_at: string;
}

export interface TeamsTable {
  id: string;
  organisation_id: string;
  name: string;
  kind: string;
  /** Opening hours as JSON (see platform/time/opening-hours.ts); null means always open. */
  opening_hours: string | null;
  created_at: string;
}

export interface UsersTable {
  id: string;
  /** Lower-cased. */
  email: string;
  display_name: string;
  /** argon2id PHC string; null for accounts that sign in only by one-time code or OpenID Connect. */
  password_hash: string | null;
  totp_secret: string | null;
  totp_enrolled_at: string | null;
  /** The last TOTP time step accepted: each code works once. */
  totp_last_step: number | null;
  disabled_at: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  /** For `person` accounts: the person record this account belongs to. */
  person_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface MembershipsTable {
  id: string;
  user_id: string;
  organisation_id: string;
  team_id: string | null;
  role: string;
  created_at: string;
}

// ---- platform: machinery ---------------------------------------------------------------------

export interface DB {
  organisations: OrganisationsTable;
  teams: TeamsTable;
  users: UsersTable;
  memberships: MembershipsTable;
}

export type { Generated };
