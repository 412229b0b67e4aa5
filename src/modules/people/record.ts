// The person record for practitioners (issue 5, item 1): identity and contact details, preferences,
// equality data, and a timeline of involvements gathered from every module's source. Possible
// duplicates from the front door are confirmed or rejected by a practitioner. A merge keeps history
// and is reversible: the newer record points at the older (`people.merged_into_id`), no other row
// moves, the kept record shows the merged one's history through the link, and undoing the merge
// clears the pointer. Every view and change is checked (access.ts) and audited with the person's id.
import type { Kysely } from 'kysely';
import type { Actor } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/ids.ts';
import { formatNhsNumber } from '../../platform/identifiers/nhs-number.ts';
import type { DB } from '../../platform/db/tables.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { accessTo, auditDenied, auditPeople, type PersonAccess, READ, recordIdsOf, rootOf, WRITE } from './access.ts';
import { equalityInWords } from './equality.ts';
import { entriesOf } from './portal-store.ts';
import { CONTACT_METHODS, type DetailsForm } from './schemas.ts';
import { type TimelineEntry, timelineOf } from './sources.ts';
import {
  type ContactPreferences,
  clearPointer,
  decideDuplicate,
  duplicateCandidateById,
  insertMerge,
  markUnmerged,
  mergeById,
  mergesTouching,
  openDuplicatesTouching,
  type PersonRow,
  peopleByIds,
  personById,
  personByNhsNumber,
  pointAtSurvivor,
  rejectConfirmedDuplicate,
  updateDetails,
} from './store.ts';

const PURPOSE_DUPLICATE_CHECK = 'checking a possible duplicate record';

const METHOD_WORDS: Record<string, string> = Object.fromEntries(CONTACT_METHODS.map((m) => [m.value, m.text]));

/** A record's details as the pages show them, with what is stored as codes or JSON put in words. */
export function describe(person: PersonRow) {
  const contact = parseJson<ContactPreferences>(person.contact_preferences);
  const equality = parseJson<Record<string, string>>(person.equality);
  return {
    ...person,
    contact,
    equality,
    nhsNumberText: person.nhs_number ? formatNhsNumber(person.nhs_number) : null,
    contactMethodsText: contact?.methods.length ? contact.methods.map((m) => METHOD_WORDS[m] ?? m).join(', ') : null,
    mayLeaveMessageText: contact?.mayLeaveMessage == null ? null : contact.mayLeaveMessage ? 'Yes' : 'No',
    equalityRows: equalityInWords(equality),
  };
}
export type DescribedPerson = ReturnType<typeof describe>;

export type RecordPage =
  | { kind: 'moved'; rootId: string }
  | {
      kind: 'record';
      access: PersonAccess;
      person: ReturnType<typeof describe>;
      /** Records merged into this one (and not unmerged), with who merged them and why. */
      merged: { mergeId: string; mergedAt: string; mergedBy: string; reason: string; person: ReturnType<typeof describe> }[];
      /** Open possible duplicates: the record may be the same person as another. */
      duplicates: { id: string; reason: string; createdAt: string }[];
      timeline: TimelineEntry[];
    };

async function accessOrNotFound(platform: Platform, db: Kysely<DB>, actor: Actor, personId: string, permission: string): Promise<PersonAccess> {
  const access = await accessTo(platform, db, actor, personId, permission);
  if (!access) throw new NotFoundError();
  return access;
}

/** The record, if the actor may see it; a merged record's id answers `moved` with the record it is part of. Every view is audited for each record shown. */
export async function viewRecord(platform: Platform, actor: Actor, personId: string, address?: string | null): Promise<RecordPage> {
  const db = platform.db.read;
  const access = await accessTo(platform, db, actor, personId, READ);
  if (!access) {
    await auditDenied(platform, actor, personId, 'people.record.view', address);
    throw new NotFoundError();
  }
  if (access.rootId !== personId) return { kind: 'moved', rootId: access.rootId };
  const [people, merges, candidates, timeline] = await Promise.all([
    peopleByIds(db, access.recordIds),
    mergesTouching(db, access.recordIds),
    openDuplicatesTouching(db, access.recordIds),
    timelineOf(platform, db, access.recordIds),
  ]);
  const byId = new Map(people.map((p) => [p.id, p]));
  const inRecord = new Set(access.recordIds);
  await platform.db.write((tx) => auditPeople(tx, platform.clock.now(), access, 'people.record.view', access.recordIds, null, address));
  return {
    kind: 'record',
    access,
    person: describe(byId.get(access.rootId)!),
    merged: merges
      .filter((m) => !m.unmerged_at && inRecord.has(m.merged_id) && byId.get(m.merged_id)?.merged_into_id === m.survivor_id)
      .map((m) => ({ mergeId: m.id, mergedAt: m.merged_at, mergedBy: m.merged_by_name, reason: m.reason, person: describe(byId.get(m.merged_id)!) })),
    // A possible duplicate both of whose records are already this person's needs no decision here.
    duplicates: candidates.filter((c) => !(inRecord.has(c.person_id) && inRecord.has(c.candidate_id))).map((c) => ({ id: c.id, reason: c.reason, createdAt: c.created_at })),
    timeline,
  };
}

// ---- changing the details ----

/** The record's details for the "Change details" form (only the record shown, not one merged into it). The view is audited. */
export async function detailsForChange(platform: Platform, actor: Actor, personId: string, address?: string | null) {
  const access = await accessOrNotFound(platform, platform.db.read, actor, personId, WRITE);
  if (access.rootId !== personId) throw new NotFoundError();
  const person = await personById(platform.db.read, personId);
  if (!person) throw new NotFoundError();
  await platform.db.write((tx) => auditPeople(tx, platform.clock.now(), access, 'people.details.view', [personId], null, address));
  return { access, person: describe(person) };
}

/**
 * Changes the details, if nobody changed the record since the form was opened (its version);
 * otherwise nothing is saved and the caller is told (ConflictError). An NHS number identifies one
 * record only.
 */
export async function changeDetails(platform: Platform, actor: Actor, personId: string, form: DetailsForm, address?: string | null): Promise<void> {
  await platform.db.write(async (tx) => {
    const access = await accessOrNotFound(platform, tx, actor, personId, WRITE);
    if (access.rootId !== personId) throw new NotFoundError();
    if (form.nhsNumber) {
      const holder = await personByNhsNumber(tx, form.nhsNumber);
      if (holder && holder.id !== personId) throw new InputError([{ field: 'nhsNumber', message: 'Another record already has this NHS number: check the number' }]);
    }
    const now = platform.clock.now();
    const changed = await updateDetails(tx, personId, form.version, now, {
      givenName: form.givenName,
      familyName: form.familyName,
      dateOfBirth: form.dateOfBirth,
      postcode: form.postcode ?? null,
      nhsNumber: form.nhsNumber ?? null,
      phone: form.phone ?? null,
      email: form.email ?? null,
      address: form.address ?? null,
      preferredLanguage: form.preferredLanguage ?? null,
      interpreterNeeded: form.interpreter === 'yes',
      accessNeeds: form.accessNeeds ?? null,
      contactPreferences: { methods: form.contactMethods, safeTimes: form.safeTimes ?? null, mayLeaveMessage: form.mayLeaveMessage === undefined ? null : form.mayLeaveMessage === 'yes' },
      equality: Object.fromEntries(
        Object.entries({ ethnicity: form.ethnicity, gender: form.gender, sexualOrientation: form.sexualOrientation, religion: form.religion, disability: form.disability }).filter((e): e is [string, string] => Boolean(e[1])),
      ),
    });
    if (!changed) {
      throw new ConflictError('Someone changed these details after you opened the form, so nothing was saved. Open the record again to see their changes, then make yours.');
    }
    await auditPeople(tx, now, access, 'people.details.change', [personId], null, address);
  });
}

// ---- possible duplicates ----

async function loadCandidate(db: Kysely<DB>, access: PersonAccess, candidateRowId: string) {
  const candidate = await duplicateCandidateById(db, candidateRowId);
  if (candidate?.status !== 'open') return undefined;
  const mine = (id: string) => access.recordIds.includes(id);
  if (!mine(candidate.person_id) && !mine(candidate.candidate_id)) return undefined;
  const otherRoot = await rootOf(db, mine(candidate.person_id) ? candidate.candidate_id : candidate.person_id);
  if (!otherRoot) return undefined;
  return { candidate, otherRoot, sameAlready: mine(otherRoot) };
}

/** Both records side by side, to decide whether they are one person. Audited for both people. */
export async function compareDuplicate(platform: Platform, actor: Actor, personId: string, candidateRowId: string, address?: string | null) {
  const db = platform.db.read;
  const access = await accessOrNotFound(platform, db, actor, personId, WRITE);
  if (access.rootId !== personId) throw new NotFoundError();
  const loaded = await loadCandidate(db, access, candidateRowId);
  if (!loaded) throw new NotFoundError();
  const [mine, other] = await Promise.all([personById(db, personId), personById(db, loaded.otherRoot)]);
  if (!mine || !other) throw new NotFoundError();
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const entity = { type: 'person-duplicate-candidate', id: candidateRowId };
    await auditPeople(tx, now, access, 'people.duplicate.view', [personId], entity, address);
    await auditPeople(tx, now, { ...access, purpose: PURPOSE_DUPLICATE_CHECK }, 'people.duplicate.view', [loaded.otherRoot], entity, address);
  });
  return { access, candidate: loaded.candidate, person: describe(mine), other: describe(other), sameAlready: loaded.sameAlready };
}

/**
 * Records the practitioner's decision. "Not the same person" closes the possible duplicate. "The same
 * person" merges the newer record into the older, unless their NHS numbers differ (then they cannot
 * be one person). Returns the record to show next.
 */
export async function decideDuplicateFor(platform: Platform, actor: Actor, personId: string, candidateRowId: string, decision: { same: 'yes' | 'no'; note: string }, address?: string | null): Promise<{ showId: string }> {
  return platform.db.write(async (tx) => {
    const access = await accessOrNotFound(platform, tx, actor, personId, WRITE);
    if (access.rootId !== personId) throw new NotFoundError();
    const loaded = await loadCandidate(tx, access, candidateRowId);
    if (!loaded) throw new NotFoundError();
    const now = platform.clock.now();
    const by = access.user.userId;
    const entity = { type: 'person-duplicate-candidate', id: candidateRowId };
    const decided = async (status: 'confirmed' | 'rejected') => {
      if (!(await decideDuplicate(tx, candidateRowId, { status, by, note: decision.note, at: now }))) throw new ConflictError('Someone decided about these records while you were looking. Open the record again.');
      await auditPeople(tx, now, access, `people.duplicate.${status === 'confirmed' ? 'confirm' : 'reject'}`, [personId, loaded.otherRoot], entity, address);
    };
    if (decision.same === 'no' || loaded.sameAlready) {
      await decided(decision.same === 'no' ? 'rejected' : 'confirmed');
      return { showId: personId };
    }
    const pair = await peopleByIds(tx, [personId, loaded.otherRoot]);
    const [a, b] = pair;
    if (!a || !b) throw new NotFoundError();
    if (a.nhs_number && b.nhs_number && a.nhs_number !== b.nhs_number) {
      throw new InputError([{ field: 'same', message: 'These records have different NHS numbers, so they are not the same person. Select no' }]);
    }
    // The older record is kept: it is the one other teams and earlier letters know.
    const [survivor, merged] = [a, b].sort((x, y) => (x.created_at === y.created_at ? (x.id < y.id ? -1 : 1) : x.created_at < y.created_at ? -1 : 1)) as [PersonRow, PersonRow];
    if (!(await pointAtSurvivor(tx, merged.id, survivor.id, now))) {
      throw new ConflictError('One of these records was merged or changed while you were deciding, so nothing was changed. Open the record again.');
    }
    await decided('confirmed');
    const mergeId = await insertMerge(tx, { mergedId: merged.id, survivorId: survivor.id, duplicateCandidateId: candidateRowId, by, reason: decision.note, at: now });
    await auditPeople(tx, now, access, 'people.merge', [survivor.id, merged.id], { type: 'person-merge', id: mergeId }, address);
    return { showId: survivor.id };
  });
}

// ---- undoing a merge ----

async function loadMerge(db: Kysely<DB>, access: PersonAccess, mergeId: string) {
  const merge = await mergeById(db, mergeId);
  if (!merge || merge.unmerged_at) return undefined;
  if (!access.recordIds.includes(merge.merged_id) || !access.recordIds.includes(merge.survivor_id)) return undefined;
  return merge;
}

/** A merge of this record, with the merged record and its own history: what undoing it would separate. Audited for both records. */
export async function mergeDetails(platform: Platform, actor: Actor, personId: string, mergeId: string, address?: string | null) {
  const db = platform.db.read;
  const access = await accessOrNotFound(platform, db, actor, personId, WRITE);
  if (access.rootId !== personId) throw new NotFoundError();
  const merge = await loadMerge(db, access, mergeId);
  if (!merge) throw new NotFoundError();
  const separated = await recordIdsOf(db, merge.merged_id);
  const [merged, survivor, timeline] = await Promise.all([personById(db, merge.merged_id), personById(db, merge.survivor_id), timelineOf(platform, db, separated)]);
  if (!merged || !survivor) throw new NotFoundError();
  await platform.db.write((tx) => auditPeople(tx, platform.clock.now(), access, 'people.merge.view', [...new Set([merge.survivor_id, ...separated])], { type: 'person-merge', id: mergeId }, address));
  return { access, merge, merged: describe(merged), survivor: describe(survivor), timeline };
}

/** Undoes a merge: the merged record is a record of its own again, with its own history; the possible duplicate is marked "not the same person". */
export async function undoMerge(platform: Platform, actor: Actor, personId: string, mergeId: string, reason: string, address?: string | null): Promise<{ showId: string }> {
  return platform.db.write(async (tx) => {
    const access = await accessOrNotFound(platform, tx, actor, personId, WRITE);
    if (access.rootId !== personId) throw new NotFoundError();
    const merge = await loadMerge(tx, access, mergeId);
    if (!merge) throw new NotFoundError();
    const now = platform.clock.now();
    const separated = await recordIdsOf(tx, merge.merged_id);
    const undone = (await clearPointer(tx, merge.merged_id, merge.survivor_id, now)) && (await markUnmerged(tx, mergeId, { by: access.user.userId, reason, at: now }));
    if (!undone) throw new ConflictError('Someone changed this merge while you were looking, so nothing was changed. Open the record again.');
    if (merge.duplicate_candidate_id) await rejectConfirmedDuplicate(tx, merge.duplicate_candidate_id, { by: access.user.userId, note: `Merge undone: ${reason}`, at: now });
    await auditPeople(tx, now, access, 'people.unmerge', [...new Set([merge.survivor_id, ...separated])], { type: 'person-merge', id: mergeId }, address);
    return { showId: personId };
  });
}

// ---- the people module's own timeline entries ----

/** Merges into and out of these records, and their undoing. */
export async function mergeTimeline(db: Kysely<DB>, personIds: readonly string[]): Promise<TimelineEntry[]> {
  const merges = await mergesTouching(db, personIds);
  return merges.flatMap((m) => [
    { at: m.merged_at, source: 'people', kind: 'merge', title: 'Two records of this person were merged', detail: m.reason, by: m.merged_by_name, personId: m.merged_id },
    ...(m.unmerged_at ? [{ at: m.unmerged_at, source: 'people', kind: 'unmerge', title: 'A merge of two records was undone', detail: m.unmerge_reason, by: m.unmerged_by_name, personId: m.merged_id }] : []),
  ]);
}

/** What the person wrote in their own words from the portal, with its text. */
export async function entriesTimeline(db: Kysely<DB>, personIds: readonly string[]): Promise<TimelineEntry[]> {
  const entries = await entriesOf(db, personIds);
  return entries.map((e) => ({ at: e.written_at, source: 'people', kind: 'person-entry', title: 'Entry by the person', detail: e.body, by: e.written_by_name, personId: e.person_id }));
}
