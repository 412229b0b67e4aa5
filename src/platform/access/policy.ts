// The access policy: can this actor do this action (on this resource)? Deny by default.
// Roles grant permissions; scoped permissions also need the membership that grants them to cover the
// resource's organisation or team. Person-level rules (is my team involved with this person?) are
// checked in the domain call that loads the person, so a list, a search and an export cannot skip them.

export const ROLES = [
  'person',
  'network-member',
  'champion',
  'practitioner',
  'team-lead',
  'provider-admin',
  'commissioner',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose accounts must use a second factor (TOTP) at every sign-in. */
export const STAFF_ROLES: readonly Role[] = ['champion', 'practitioner', 'team-lead', 'provider-admin', 'commissioner', 'admin'];

export interface Membership {
  organisationId: string;
  teamId: string | null;
  role: Role;
}

export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      userId: string;
      displayName: string;
      memberships: Membership[];
      /** For `person` accounts, the person record they own. */
      personId: string | null;
      /** SHA-256 of the session id, for audit correlation without the secret. */
      sessionRef: string;
    };

export const ANONYMOUS: Actor = Object.freeze({ kind: 'anonymous' });

/**
 * What each role may do. Permissions read `area:thing:verb`. Keep this table the single place a
 * permission is granted: docs/security.md lists it, and the route test checks every route names one.
 */
export const GRANTS: Record<Role, readonly string[]> = {
  person: ['session:end', 'me:record:read', 'me:record:write'],
  'network-member': ['session:end', 'me:network:read'],
  champion: ['session:end', 'home:read', 'directory:read', 'front-door:referral:create', 'community:champion'],
  practitioner: ['session:end', 'home:read', 'directory:read', 'front-door:referral:create', 'front-door:referral:receive', 'front-door:queue:read', 'front-door:queue:act', 'people:read', 'people:write', 'care:read', 'care:write', 'crisis:board:read', 'crisis:act'],
  'team-lead': ['session:end', 'home:read', 'directory:read', 'front-door:referral:create', 'front-door:referral:receive', 'front-door:queue:read', 'front-door:queue:act', 'front-door:breaches:read', 'people:read', 'people:write', 'care:read', 'care:write', 'care:team:read', 'crisis:board:read', 'crisis:act', 'crisis:duty:manage', 'crisis:targets:manage', 'crisis:measures:read', 'crisis:places:manage', 'access:review'],
  'provider-admin': ['session:end', 'home:read', 'directory:read', 'directory:services:manage'],
  commissioner: ['session:end', 'home:read', 'directory:read', 'insights:read', 'crisis:measures:read'],
  admin: ['session:end', 'home:read', 'directory:read', 'admin:users:manage', 'admin:outbox:read', 'admin:audit:read', 'admin:timers:read'],
};

/** Permissions that apply within the granting membership's organisation only. */
const ORGANISATION_SCOPED = new Set(['directory:services:manage']);
/** Permissions that apply within the granting membership's team only (when the resource names a team). */
const TEAM_SCOPED = new Set(['care:team:read', 'front-door:breaches:read']);

export interface Resource {
  organisationId?: string | null;
  teamId?: string | null;
}

export function rolesOf(actor: Actor): Role[] {
  return actor.kind === 'user' ? [...new Set(actor.memberships.map((m) => m.role))] : [];
}

/** Whether any of the actor's roles grants the permission (ignoring scope). */
export function can(actor: Actor, permission: string): boolean {
  if (actor.kind !== 'user') return false;
  return actor.memberships.some((m) => GRANTS[m.role]?.includes(permission));
}

/** Whether the actor may take the action on the resource: the role grants it and, for scoped permissions, a granting membership covers the resource. */
export function authorize(actor: Actor, permission: string, resource?: Resource): boolean {
  if (actor.kind !== 'user') return false;
  const granting = actor.memberships.filter((m) => GRANTS[m.role]?.includes(permission));
  if (granting.length === 0) return false;
  if (!resource) return !ORGANISATION_SCOPED.has(permission);
  if (ORGANISATION_SCOPED.has(permission)) {
    return resource.organisationId != null && granting.some((m) => m.organisationId === resource.organisationId);
  }
  if (TEAM_SCOPED.has(permission) && resource.teamId != null) {
    return granting.some((m) => m.teamId === resource.teamId);
  }
  return true;
}

/** The organisations in which the actor holds a permission (for "my organisation's services" lists). */
export function organisationsWhere(actor: Actor, permission: string): string[] {
  if (actor.kind !== 'user') return [];
  return [...new Set(actor.memberships.filter((m) => GRANTS[m.role]?.includes(permission)).map((m) => m.organisationId))];
}

/** The teams in which the actor holds a permission. */
export function teamsWhere(actor: Actor, permission: string): string[] {
  if (actor.kind !== 'user') return [];
  return [...new Set(actor.memberships.filter((m) => m.teamId && GRANTS[m.role]?.includes(permission)).map((m) => m.teamId as string))];
}
