// What the front door tells the person record (src/modules/people/): when a practitioner's team is
// involved with a person, and the person's requests, their work and referrals as timeline entries.
// - Involved: an open request of the actor's team (or, where no team runs the front door, of anyone
//   who works the queue, as the queue itself allows); a referral still running (sent or accepted) to
//   a service of the actor's team: the team the service names to answer its referrals, or, when it
//   names none, any team of the service's organisation.
// - Timeline: each request (received), its claims, notes, decisions, closure and target warnings,
//   each contact attempt with its note, and each referral with its status.
import { can } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/ids.ts';
import { serviceOwners } from '../directory/index.ts';
import { addedRef, type Involvement, type PersonSource, type TimelineEntry } from '../people/index.ts';
import { paths } from './paths.ts';
import { attemptsOfRequests, eventsOfRequests, openReferralsAbout, openRequestsAbout, PERSON_ENTRY_EVENT, referralsAbout, requestsAbout } from './person-store.ts';
import { bringForwardForEntry } from './own-entry.ts';
import { addEvent } from './store.ts';

const SOURCE = 'front-door';

const NEED_WORDS: Record<string, string> = {
  'getting-advice': 'getting advice',
  'getting-help': 'getting help',
  'getting-more-help': 'getting more help',
  'getting-risk-support': 'getting risk support',
};
const DECISION_WORDS: Record<string, string> = {
  signpost: 'signposted to community support',
  refer: 'referred to a partner service',
  'care-coordination': 'care coordination with a team',
  crisis: 'a crisis response',
  close: 'closed with a reason',
};
const METHOD_WORDS: Record<string, string> = { phone: 'phone', sms: 'text', email: 'email', letter: 'letter', 'in-person': 'in person' };
const RESULT_WORDS: Record<string, string> = { reached: 'reached', 'no-answer': 'no answer', 'message-left': 'message left', 'wrong-number': 'wrong number or address' };
const SOURCE_WORDS: Record<string, string> = { self: 'asked by the person', 'family-or-friend': 'asked by family or a friend', professional: 'referred by a professional', champion: 'referred by a community champion' };

function eventTitle(kind: string, reference: string, detail: Record<string, unknown> | null): { title: string; detail?: string | null } {
  switch (kind) {
    case 'claimed':
      return { title: `Request ${reference} claimed` };
    case 'assigned':
      return { title: `Request ${reference} assigned` };
    case 'note':
      return { title: `Triage note on request ${reference}`, detail: String(detail?.text ?? '') };
    case 'need-group':
      return { title: `Need group of request ${reference}: ${NEED_WORDS[String(detail?.needGroup)] ?? 'set'}` };
    case 'decision':
      return { title: `Decision on request ${reference}: ${DECISION_WORDS[String(detail?.kind)] ?? 'made'}` };
    case 'closed':
      return { title: `Request ${reference} closed`, detail: detail?.outcome ? `Outcome: ${String(detail.outcome)}` : null };
    case 'target-warning':
      return { title: `Request ${reference} is close to its contact target` };
    case 'target-breached':
      return { title: `Request ${reference} passed its contact target without contact` };
    case 'letter-needed':
      return { title: `Could not reach the person about request ${reference}: a letter is needed` };
    case 'referral-accepted':
    case 'referral-declined':
    case 'referral-completed':
    case 'referral-withdrawn':
      return { title: `Referral from request ${reference} to ${String(detail?.serviceName ?? 'a partner service')} ${kind.slice('referral-'.length)}`, detail: detail?.note ? String(detail.note) : null };
    case 'referral-unanswered':
      return { title: `Referral from request ${reference} not answered in 5 working days: put back to the front door` };
    case 'could-not-reach-sent':
      return { title: `Could not reach the person about request ${reference}: a message was sent` };
    default:
      return { title: `Request ${reference}: ${kind.replace(/-/g, ' ')}` };
  }
}

/** The front door's source for the person record; registered when the front door is. */
export function frontDoorPersonSource(platform: Platform): PersonSource {
  return {
    name: SOURCE,

    async involvement(db, { personIds, teams, actor, firstOnly }) {
      const found: Involvement[] = [];
      const teamIds = new Set(teams.map((t) => t.teamId));
      for (const r of await openRequestsAbout(db, personIds)) {
        const text = `Open front door request ${r.reference}`;
        if (r.team_id && teamIds.has(r.team_id)) found.push({ source: SOURCE, kind: 'request', teamId: r.team_id, text, href: paths.request(r.id) });
        else if (!r.team_id && can(actor, 'front-door:queue:read')) found.push({ source: SOURCE, kind: 'request', teamId: null, text, href: paths.request(r.id) });
      }
      if (firstOnly && found.length > 0) return found;
      const referrals = await openReferralsAbout(db, personIds);
      if (referrals.length > 0 && teams.length > 0) {
        const owners = await serviceOwners(platform, referrals.map((r) => r.service_id));
        for (const referral of referrals) {
          const owner = owners.get(referral.service_id);
          if (!owner?.organisationId) continue;
          // The service's team when it names one (H10); otherwise every team of its organisation.
          for (const team of teams.filter((t) => (owner.referralTeamId ? t.teamId === owner.referralTeamId : t.organisationId === owner.organisationId))) {
            found.push({ source: SOURCE, kind: 'referral', teamId: team.teamId, text: `Referral to ${owner.name} (${referral.status})` });
          }
        }
      }
      return found;
    },

    // The person wrote in their own record (hazard H19): each open request's timeline says so, where
    // whoever is working the request looks; the words stay on the record, for those who may see it.
    // Words that may mean risk bring a request not yet contacted forward (own-entry.ts).
    async entryAdded(tx, entry) {
      let roundTheClock = false;
      const what = addedRef(entry);
      for (const r of await openRequestsAbout(tx, entry.recordIds)) {
        if (entry.risk.level === 'none') {
          await addEvent(tx, r.id, entry.at, entry.by, PERSON_ENTRY_EVENT, what);
          continue;
        }
        const forward = await bringForwardForEntry(platform, tx, r.id, { ...entry, level: entry.risk.level, categories: entry.risk.categories, unscreened: entry.risk.unscreened === true });
        if (forward.watched) roundTheClock = true;
        await addEvent(tx, r.id, entry.at, entry.by, PERSON_ENTRY_EVENT, { ...what, riskLevel: entry.risk.level, risk: entry.risk.summary, contactBy: forward.contactBy });
      }
      return { roundTheClock };
    },

    async timeline(db, personIds) {
      const [requests, referrals] = await Promise.all([requestsAbout(db, personIds), referralsAbout(db, personIds)]);
      const ids = requests.map((r) => r.id);
      const [events, attempts, owners] = await Promise.all([eventsOfRequests(db, ids), attemptsOfRequests(db, ids), serviceOwners(platform, [...new Set(referrals.map((r) => r.service_id))])]);
      const byId = new Map(requests.map((r) => [r.id, r]));
      const entries: TimelineEntry[] = requests.map((r) => ({
        at: r.created_at,
        source: SOURCE,
        kind: 'request',
        title: `Front door request ${r.reference} received (${r.urgency}, ${SOURCE_WORDS[r.source] ?? r.source})`,
        href: paths.request(r.id),
        personId: r.person_id,
      }));
      for (const e of events) {
        const r = byId.get(e.request_id)!;
        const { title, detail } = eventTitle(e.kind, r.reference, parseJson<Record<string, unknown>>(e.detail));
        entries.push({ at: e.at, source: SOURCE, kind: `request-${e.kind}`, title, detail: detail ?? null, by: e.actor_name, href: paths.request(r.id), personId: r.person_id });
      }
      for (const a of attempts) {
        const r = byId.get(a.request_id)!;
        entries.push({
          at: a.at,
          source: SOURCE,
          kind: 'contact-attempt',
          title: `Contact attempt about request ${r.reference}: ${METHOD_WORDS[a.method] ?? a.method}, ${RESULT_WORDS[a.result] ?? a.result}`,
          detail: a.note,
          by: a.by_name,
          href: paths.request(r.id),
          personId: r.person_id,
        });
      }
      for (const f of referrals) {
        const service = owners.get(f.service_id)?.name ?? 'a service no longer in the directory';
        entries.push({ at: f.created_at, source: SOURCE, kind: 'referral', title: `Referred to ${service}`, detail: f.reason, by: f.referred_by_name, personId: f.person_id });
        // A referral from a request has each answer on the request's timeline (who answered, when); one made otherwise shows its status here.
        if (f.status !== 'sent' && !f.request_id) {
          entries.push({ at: f.updated_at, source: SOURCE, kind: `referral-${f.status}`, title: `Referral to ${service} ${f.status}`, detail: f.status_note, personId: f.person_id });
        }
      }
      return entries;
    },
  };
}
