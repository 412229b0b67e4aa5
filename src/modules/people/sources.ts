// What other modules know about a person, gathered without the people module knowing those modules.
// Each module that holds rows about people registers a source when it is registered (the front door
// now; care coordination, crisis episodes and measures later):
// - `involvement`: is the actor's team involved with this person through this module (an open
//   request, a referral to their service, an open coordination, a crisis episode)? Item 9 of issue 5:
//   practitioners see a person only while their team is involved.
// - `timeline`: the person's involvements with this module, as entries of the record's timeline.
// Both are given every record id of the person (the record and those merged into it), so a merge
// shows history through the link without moving a row.
import type { Kysely } from 'kysely';
import type { Actor } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { DB } from '../../platform/db/tables.ts';
import type { RiskCategory } from '../front-door/index.ts';

export type UserActor = Extract<Actor, { kind: 'user' }>;

export interface Involvement {
  /** The module that knows of it: 'front-door', later 'care', 'crisis'. */
  source: string;
  /** What it is, within the module: 'request', 'referral'. */
  kind: string;
  /** The actor's team that is involved; null when the involvement is everyone's who holds the module's permission (a front door no team runs). */
  teamId: string | null;
  /** In words, for the record page: "Open front door request MH-7K3P-9QXD". */
  text: string;
  /** Where to see it, if the module has a page for it. */
  href?: string | null;
}

export interface InvolvementQuery {
  /** The person's record and every record merged into it. */
  personIds: readonly string[];
  /** The actor's teams in which they may see people (`people:read`), with each team's organisation. */
  teams: readonly { teamId: string; organisationId: string }[];
  /** The actor, for a module's own rules (the front door's queue permission). */
  actor: UserActor;
  /** The caller needs one involvement, not all (a check of access): a source may stop at its first. */
  firstOnly?: boolean;
}

export interface TimelineEntry {
  /** When it happened (ISO-8601 UTC). */
  at: string;
  source: string;
  /** 'request', 'request-note', 'contact-attempt', 'referral', 'merge', … */
  kind: string;
  /** One line: "Front door request MH-7K3P-9QXD received (routine)". */
  title: string;
  /** What was written, when something was (a note's text). */
  detail?: string | null;
  /** Who did it, by name, when a person did. */
  by?: string | null;
  href?: string | null;
  /** The record the entry belongs to: another than the one shown when it came through a merge. */
  personId: string;
}

/**
 * What the person added from the portal that a team should hear of: an entry in their own words
 * (hazard H19), or a review they entered alone saying they do not feel safe (H18, the care module's).
 */
export interface EntryAdded {
  /** An entry (`person_entries`) or a review (`care_reviews`). */
  kind: 'entry' | 'review';
  id: string;
  /** The record it is on (the one kept after any merge), and every record merged into it. */
  personId: string;
  recordIds: readonly string[];
  /** The person's account. */
  by: string;
  at: Date;
  /** What the words may mean (the front door's risk phrases): the level and categories, never the words. */
  risk: EntryRisk;
}

/** How a module's line or event names what was added, for its page to link or say: `{ entryId }` or `{ reviewId }`. */
export function addedRef(added: Pick<EntryAdded, 'kind' | 'id'>): { entryId: string } | { reviewId: string } {
  return added.kind === 'review' ? { reviewId: added.id } : { entryId: added.id };
}

export interface EntryRisk {
  level: 'high' | 'medium' | 'none';
  categories: readonly RiskCategory[];
  /** The categories in words ("Suicidal thoughts or intent, Self-harm"); empty at level none. */
  summary: string;
  /** Written in a language the risk phrases cannot read: counted as medium risk, and said so. */
  unscreened?: boolean;
}

/** What a module did with an entry. */
export interface EntryNotice {
  /**
   * Someone who works round the clock will see it within a set time: a crisis team on an open episode,
   * the front door on a request whose contact target still runs. When no module says so of an entry
   * whose words may mean risk, the front door opens a request for it (portal.ts).
   */
  roundTheClock: boolean;
}

export interface PersonSource {
  /** The module's name; one source a module. */
  name: string;
  involvement?: (db: Kysely<DB>, query: InvolvementQuery) => Promise<Involvement[]>;
  timeline?: (db: Kysely<DB>, personIds: readonly string[]) => Promise<TimelineEntry[]>;
  /**
   * The person has written in their own record: a module that should tell someone (care: a task for
   * the coordinating team) does it here, in the entry's own unit of work, so the entry and what it set
   * going commit together or not at all.
   */
  entryAdded?: (tx: Kysely<DB>, entry: EntryAdded) => Promise<EntryNotice>;
}

// One list per running app (keyed by its platform), so tests that build several apps stay apart.
const registries = new WeakMap<Platform, PersonSource[]>();

/** Registers a module's source. One a module: building the app twice on one platform (tests) registers it again, and the last wins, as with timers. */
export function registerPersonSource(platform: Platform, source: PersonSource): void {
  const list = (registries.get(platform) ?? []).filter((s) => s.name !== source.name);
  list.push(source);
  registries.set(platform, list);
}

export function personSources(platform: Platform): readonly PersonSource[] {
  return registries.get(platform) ?? [];
}

/** Every registered module's involvements of the actor's teams with these records. */
export async function involvementsOf(platform: Platform, db: Kysely<DB>, query: InvolvementQuery): Promise<Involvement[]> {
  const found = await Promise.all(personSources(platform).map((s) => s.involvement?.(db, query) ?? []));
  return found.flat();
}

/** Every registered module's timeline entries for these records, newest first. */
export async function timelineOf(platform: Platform, db: Kysely<DB>, personIds: readonly string[]): Promise<TimelineEntry[]> {
  const found = await Promise.all(personSources(platform).map((s) => s.timeline?.(db, personIds) ?? []));
  return found.flat().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** Tells every registered module that the person wrote in their record (inside the entry's unit of work). */
export async function announceEntry(platform: Platform, tx: Kysely<DB>, entry: EntryAdded): Promise<EntryNotice> {
  let roundTheClock = false;
  for (const source of personSources(platform)) {
    const notice = await source.entryAdded?.(tx, entry);
    if (notice?.roundTheClock) roundTheClock = true;
  }
  return { roundTheClock };
}
