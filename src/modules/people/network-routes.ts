// The person's network (issue 5, item 2): the same pages twice, for the person in their portal
// (`/my-record/network…`, the record is always their own) and for practitioners on the record
// (`/people/:id/network…`, their team involved or the glass broken); the invitation link; and the
// network member's side (`/shared-with-me`).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { ConflictError, formErrors, InputError, parseInput, orShowErrors, type Shown } from '../../platform/http/problems.ts';
import { ME_READ, READ, WRITE } from './access.ts';
import {
  acceptInvite,
  acceptSchema,
  addMember,
  CONSENT_METHOD_NAMES,
  CONSENT_METHODS,
  changeDetails,
  changeLabels,
  DeadInviteError,
  detailsSchema,
  INVITE_DAYS,
  inviteMember,
  labelsSchema,
  ME_NETWORK,
  ME_WRITE,
  memberSchema,
  networkFormFor,
  openInvite,
  PRIVACY_LABEL_NAMES,
  PRIVACY_LABELS,
  RELATIONSHIP_NAMES,
  RELATIONSHIPS,
  removeMember,
  removeSchema,
  sharedBy,
  sharedWithMe,
  viewMember,
  viewNetwork,
} from './network.ts';
import { paths } from './paths.ts';

/** What the pages need to offer the choices, in words. */
const CHOICES = {
  labels: PRIVACY_LABELS.map((value) => ({ value, text: PRIVACY_LABEL_NAMES[value] })),
  labelHints: {
    general: 'Things like meeting times and what you choose to share in your own words',
    'mental-health': 'Your care plan, notes from meetings, and other information about your mental health care',
    'social-care': 'Help with housing, money, and day-to-day support',
    'safety-plan': 'Your safety plan: what to do and who to call if things get worse',
  },
  relationships: RELATIONSHIPS.map((value) => ({ value, text: RELATIONSHIP_NAMES[value] })),
  consentMethods: CONSENT_METHODS.map((value) => ({ value, text: CONSENT_METHOD_NAMES[value] })),
};

/** The addresses of one side's pages: the person's own (no id in them) or a practitioner's (the record's id). */
interface Side {
  by: 'person' | 'practitioner';
  list: (id: string) => string;
  add: (id: string) => string;
  member: (id: string, memberId: string) => string;
  invite: (id: string, memberId: string) => string;
  details: (id: string, memberId: string) => string;
  remove: (id: string, memberId: string) => string;
  /** The person id given to the domain calls: null for the person's own. */
  personId: (request: FastifyRequest) => string | null;
  back: (id: string) => string;
  read: string;
  write: string;
  hideCrisisPanel: boolean;
}

const PERSON_SIDE: Side = {
  by: 'person',
  list: () => paths.myNetwork,
  add: () => paths.myNetworkAdd,
  member: (_id, memberId) => paths.myNetworkMember(memberId),
  invite: (_id, memberId) => paths.myNetworkInvite(memberId),
  details: (_id, memberId) => paths.myNetworkDetails(memberId),
  remove: (_id, memberId) => paths.myNetworkRemove(memberId),
  personId: () => null,
  back: () => paths.myRecord,
  read: ME_READ,
  write: ME_WRITE,
  hideCrisisPanel: false,
};

const PRACTITIONER_SIDE: Side = {
  by: 'practitioner',
  list: (id) => paths.network(id),
  add: (id) => paths.networkAdd(id),
  member: (id, memberId) => paths.networkMember(id, memberId),
  invite: (id, memberId) => paths.networkInviteMember(id, memberId),
  details: (id, memberId) => paths.networkDetails(id, memberId),
  remove: (id, memberId) => paths.networkRemove(id, memberId),
  personId: (request) => (request.params as { id: string }).id,
  back: (id) => paths.person(id),
  read: READ,
  write: WRITE,
  hideCrisisPanel: true,
};

type MemberRequest = FastifyRequest<{ Params: { id?: string; memberId: string } }>;

function mountSide(app: FastifyInstance, platform: Platform, side: Side) {
  const read = { permission: side.read } as const;
  const write = { permission: side.write } as const;
  const routes =
    side.by === 'person'
      ? { list: paths.myNetwork, add: paths.myNetworkAdd, member: paths.myNetworkMember(), invite: paths.myNetworkInvite(), details: paths.myNetworkDetails(), remove: paths.myNetworkRemove() }
      : { list: paths.network(), add: paths.networkAdd(), member: paths.networkMember(), invite: paths.networkInviteMember(), details: paths.networkDetails(), remove: paths.networkRemove() };
  const links = (personId: string) => ({ list: side.list(personId), add: side.add(personId), back: side.back(personId) });

  // The network: members, what each may see, consent, invitations; removed members; the history of changes.
  app.get(routes.list, { config: read }, async (request, reply) => {
    const page = await viewNetwork(platform, request.actor, side.personId(request), request.ip);
    const id = page.person.id;
    return reply.view('people/views/network/index.njk', {
      title: side.by === 'person' ? 'Your network and sharing' : `Network: ${page.person.given_name} ${page.person.family_name}`,
      hideCrisisPanel: side.hideCrisisPanel,
      backHref: side.back(id),
      ...page,
      links: links(id),
      members: page.members.map((m) => ({ ...m, href: side.member(id, m.id) })),
      mayChange: can(request.actor, side.write),
      consentNames: CONSENT_METHOD_NAMES,
    });
  });

  // Add a member: who, how related, contact, what they may see, consent; invite now if there is an email address.
  const showAdd = async (request: FastifyRequest, reply: FastifyReply, extra: Shown = {}) => {
    const { person, by } = await networkFormFor(platform, request.actor, side.personId(request), request.ip);
    return reply.code(extra.status ?? 200).view('people/views/network/add.njk', {
      title: by === 'person' ? 'Add someone to your network' : `Add someone to ${person.given_name} ${person.family_name}'s network`,
      hideCrisisPanel: side.hideCrisisPanel,
      backHref: side.list(person.id),
      person,
      by,
      choices: CHOICES,
      inviteDays: INVITE_DAYS,
      values: extra.values ?? { labels: [] },
      errors: extra.errors,
    });
  };
  app.get(routes.add, { config: write }, async (request, reply) => showAdd(request, reply));
  app.post(routes.add, { config: write }, async (request, reply) => {
    const parsed = parseInput(memberSchema(side.by), request.body);
    const show = (extra: Shown) => showAdd(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      const { rootId } = await addMember(platform, request.actor, side.personId(request), parsed.data, request.ip);
      return reply.redirect(side.list(rootId), 303);
    }, show);
  });

  // One member: what they may see (change it, with consent), invite them, or remove them.
  const showMember = async (request: MemberRequest, reply: FastifyReply, extra: Shown = {}) => {
    const page = await viewMember(platform, request.actor, side.personId(request), request.params.memberId, request.ip);
    const id = page.person.id;
    const m = page.member;
    return reply.code(extra.status ?? 200).view('people/views/network/member.njk', {
      title: m.name,
      hideCrisisPanel: side.hideCrisisPanel,
      backHref: side.list(id),
      ...page,
      by: side.by,
      choices: CHOICES,
      inviteHref: side.invite(id, m.id),
      detailsHref: side.details(id, m.id),
      removeHref: side.remove(id, m.id),
      inviteDays: INVITE_DAYS,
      values: extra.values ?? { labels: m.labelList, version: m.version },
      errors: extra.errors,
    });
  };
  app.get(routes.member, { config: write }, async (request: MemberRequest, reply) => showMember(request, reply));
  app.post(routes.member, { config: write }, async (request: MemberRequest, reply) => {
    const parsed = parseInput(labelsSchema(side.by), request.body);
    const show = (extra: Shown) => showMember(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    try {
      const { rootId } = await changeLabels(platform, request.actor, side.personId(request), request.params.memberId, parsed.data, request.ip);
      return reply.redirect(side.list(rootId), 303);
    } catch (error) {
      if (error instanceof InputError) return show({ errors: formErrors(error.errors), values: request.body as Record<string, unknown>, status: 400 });
      // Changed since the page was opened: show what it is now, and say so; nothing was saved.
      if (error instanceof ConflictError) return show({ errors: formErrors([{ field: 'labels', message: `${error.message} Check what they see now, and save again if you still want to change it` }]), status: 409 });
      throw error;
    }
  });

  app.post(routes.invite, { config: write }, async (request: MemberRequest, reply) => {
    return orShowErrors(request, async () => {
      const { rootId } = await inviteMember(platform, request.actor, side.personId(request), request.params.memberId, request.ip);
      return reply.redirect(side.list(rootId), 303);
    }, (extra) => showMember(request, reply, { ...extra, values: undefined }));
  });

  // Their details: name, relationship, email and phone (a new email address ends a link sent to the old one).
  const showDetails = async (request: MemberRequest, reply: FastifyReply, extra: Shown = {}) => {
    const page = await viewMember(platform, request.actor, side.personId(request), request.params.memberId, request.ip);
    const m = page.member;
    return reply.code(extra.status ?? 200).view('people/views/network/details.njk', {
      title: `Change ${m.name}'s details`,
      hideCrisisPanel: side.hideCrisisPanel,
      backHref: side.member(page.person.id, m.id),
      ...page,
      by: side.by,
      choices: CHOICES,
      values: extra.values ?? { version: m.version, name: m.name, relationship: m.relationship, relationshipDetail: m.relationship_detail, email: m.email, phone: m.phone },
      errors: extra.errors,
    });
  };
  app.get(routes.details, { config: write }, async (request: MemberRequest, reply) => showDetails(request, reply));
  app.post(routes.details, { config: write }, async (request: MemberRequest, reply) => {
    const parsed = parseInput(detailsSchema, request.body);
    const show = (extra: Shown) => showDetails(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    try {
      const { rootId } = await changeDetails(platform, request.actor, side.personId(request), request.params.memberId, parsed.data, request.ip);
      return reply.redirect(side.member(rootId, request.params.memberId), 303);
    } catch (error) {
      // Changed since the page was opened: show what they are now, and keep nothing typed over it.
      if (error instanceof ConflictError) return show({ errors: formErrors([{ field: 'name', message: `${error.message} Check their details now, and change them again if you need to` }]), status: 409 });
      throw error;
    }
  });

  // Remove: a page to confirm (and say why, if they want), then their access ends at once.
  const showRemove = async (request: MemberRequest, reply: FastifyReply, extra: Shown = {}) => {
    const page = await viewMember(platform, request.actor, side.personId(request), request.params.memberId, request.ip);
    return reply.code(extra.status ?? 200).view('people/views/network/remove.njk', {
      title: `Remove ${page.member.name} from ${side.by === 'person' ? 'your' : 'the'} network`,
      hideCrisisPanel: side.hideCrisisPanel,
      backHref: side.member(page.person.id, page.member.id),
      ...page,
      by: side.by,
      values: extra.values ?? {},
      errors: extra.errors,
    });
  };
  app.get(routes.remove, { config: write }, async (request: MemberRequest, reply) => showRemove(request, reply));
  app.post(routes.remove, { config: write }, async (request: MemberRequest, reply) => {
    const parsed = parseInput(removeSchema, request.body);
    if (!parsed.ok) return showRemove(request, reply, { errors: parsed.errors, values: parsed.values, status: 400 });
    const { rootId } = await removeMember(platform, request.actor, side.personId(request), request.params.memberId, parsed.data, request.ip);
    return reply.redirect(side.list(rootId), 303);
  });
}

const limited = { rateLimit: { max: 30, timeWindow: '1 minute' } } as const;

export default async function networkRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  mountSide(app, platform, PERSON_SIDE);
  mountSide(app, platform, PRACTITIONER_SIDE);

  // The invitation link: public (the token is the key), the same "does not work" page for every bad link.
  type TokenRequest = FastifyRequest<{ Params: { token: string } }>;
  const dead = (reply: FastifyReply) => reply.code(404).view('people/views/network/invite-dead.njk', { title: 'This invitation link does not work' });
  const showInvite = async (request: TokenRequest, reply: FastifyReply, extra: Shown = {}) => {
    const invite = await openInvite(platform, request.params.token);
    if (!invite) return dead(reply);
    return reply
      .code(extra.status ?? 200)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .view('people/views/network/invite.njk', {
        title: `${invite.personGivenName} has shared information with you`,
        invite,
        values: extra.values ?? { displayName: invite.member_name },
        errors: extra.errors,
      });
  };
  app.get(paths.networkInviteDone, { config: { public: true } }, async (_request, reply) =>
    reply.view('people/views/network/invite-done.njk', { title: 'Your account is ready', signInHref: '/sign-in/my-record' }),
  );
  app.get(paths.networkInvite(), { config: { public: true, ...limited } }, async (request: TokenRequest, reply) => showInvite(request, reply));
  app.post(paths.networkInvite(), { config: { public: true, ...limited } }, async (request: TokenRequest, reply) => {
    const parsed = parseInput(acceptSchema, request.body);
    const show = (extra: Shown) => showInvite(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    try {
      await acceptInvite(platform, request.params.token, parsed.data, request.ip);
    } catch (error) {
      if (error instanceof DeadInviteError) return dead(reply);
      if (error instanceof InputError) return show({ errors: formErrors(error.errors), values: request.body as Record<string, unknown>, status: 400 });
      throw error;
    }
    return reply.redirect(paths.networkInviteDone, 303);
  });

  // The network member's side: who shares with them, and what one person shares (only the views their labels allow).
  const member = { permission: ME_NETWORK } as const;
  app.get(paths.sharedWithMe, { config: member }, async (request, reply) => {
    const page = await sharedWithMe(platform, request.actor, request.ip);
    return reply.view('people/views/network/shared-with-me.njk', { title: 'Shared with you', ...page, paths });
  });
  app.get(paths.sharedBy(), { config: member }, async (request: FastifyRequest<{ Params: { personId: string } }>, reply) => {
    const page = await sharedBy(platform, request.actor, request.params.personId, request.ip);
    return reply.view('people/views/network/shared-by.njk', { title: `What ${page.person.name} shares with you`, backHref: paths.sharedWithMe, ...page });
  });
}
