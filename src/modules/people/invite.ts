// Inviting a person to their own record online (issue 5, item 3): a practitioner whose team is
// involved (or who broke the glass) makes the person a `person` account linked to their record, with
// the email address and UK mobile number on the record, and a message through the outbox tells them
// how to sign in (with a one-time code: the account has no password). One account a person.
import { type Actor, authorize } from '../../platform/access/policy.ts';
import { createUser } from '../../platform/auth/accounts.ts';
import { normaliseMobile } from '../../platform/auth/one-time-code.ts';
import type { Platform } from '../../platform/context.ts';
import { InputError, NotFoundError } from '../../platform/http/problems.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { accessTo, auditPeople, grantingMemberships, WRITE } from './access.ts';
import { accountUsing, portalAccountOf } from './portal-store.ts';
import { personById } from './store.ts';

const SIGN_IN_PATH = '/sign-in/my-record';

/** What the invitation would use: the person's name and contact details, and any account they have. Audited as a view. */
export async function portalInvitation(platform: Platform, actor: Actor, personId: string, address?: string | null) {
  const db = platform.db.read;
  const access = await accessTo(platform, db, actor, personId, WRITE);
  if (!access) throw new NotFoundError();
  const [person, account] = await Promise.all([personById(db, access.rootId), portalAccountOf(db, access.recordIds)]);
  if (!person) throw new NotFoundError();
  await platform.db.write((tx) => auditPeople(tx, platform.clock.now(), access, 'people.portal-invite.view', [access.rootId], null, address));
  return { access, person, account: account ?? null, mobile: person.phone ? normaliseMobile(person.phone) : null };
}

/** Makes the account and sends the invitation. InputError when the record has no email address, or another account has it. */
export async function invitePersonToPortal(platform: Platform, actor: Actor, personId: string, address?: string | null): Promise<{ rootId: string }> {
  if (actor.kind !== 'user' || !authorize(actor, WRITE)) throw new NotFoundError();
  const { access, person, account, mobile } = await portalInvitation(platform, actor, personId, address);
  if (account) return { rootId: access.rootId };
  const fail = (text: string): never => {
    throw new InputError([{ field: 'invite', message: text }]);
  };
  if (!person.email) fail('Add an email address to the record before inviting them: they sign in with it');
  const email = person.email!.trim().toLowerCase();
  if (await accountUsing(platform.db.read, { email })) fail('Another account already uses this email address. Check the email address on the record');
  const textTo = mobile && !(await accountUsing(platform.db.read, { mobile })) ? mobile : null;
  const membership = grantingMemberships(access.user, WRITE)[0]!;
  const { config, clock } = platform;
  await platform.db.write(async (tx) => {
    const now = clock.now();
    const userId = await createUser(tx, now, {
      email,
      mobile: textTo,
      displayName: `${person.given_name} ${person.family_name}`,
      passwordHash: null,
      personId: access.rootId,
      memberships: [{ organisationId: membership.organisationId, role: 'person' }],
    });
    const body =
      `You can now see your record with ${config.serviceName} online: your details, your requests, who has looked at your record, and a copy of everything we hold about you. ` +
      `Go to ${config.publicUrl}${SIGN_IN_PATH} and enter this email address${textTo ? ' or your mobile number' : ''}. We will send you a code to sign in with.`;
    await enqueueMessage(tx, clock, { channel: 'email', to: email, kind: 'people.portal-invite', personId: access.rootId, personalisation: { subject: `See your record with ${config.serviceName} online`, body } });
    await auditPeople(tx, now, access, 'people.portal-invite', [access.rootId], { type: 'user', id: userId }, address);
  });
  return { rootId: access.rootId };
}
