// The home page: where the public, people using services and staff each start.
import type { FastifyInstance } from 'fastify';
import { type Actor, can } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { paths } from './paths.ts';

/** Where each signed-in person can go, by what their roles allow. The pages check again on arrival. */
const LINKS: { permission: string; href: string; text: string }[] = [
  { permission: 'me:record:read', href: '/my-record', text: 'Your record' },
  { permission: 'me:network:read', href: '/shared-with-me', text: 'Shared with you by people in your network' },
  { permission: 'front-door:queue:read', href: '/front-door', text: 'Front door queue' },
  { permission: 'front-door:breaches:read', href: '/front-door/breaches', text: 'Contact targets missed' },
  { permission: 'access:review', href: '/people/access-reviews', text: 'Emergency access to review' },
  { permission: 'crisis:board:read', href: '/crisis/board', text: 'Crisis board' },
  { permission: 'crisis:board:read', href: '/crisis/places', text: 'Places: alternatives to admission, available now' },
  { permission: 'crisis:act', href: '/crisis/episodes/new', text: 'Open a crisis episode (crisis line, walk-in, referral)' },
  { permission: 'care:read', href: '/care/caseload', text: 'My people (caseload)' },
  { permission: 'care:read', href: '/care/tasks', text: 'My tasks' },
  { permission: 'care:team:read', href: '/care/caseload/team', text: 'Your team’s caseload' },
  { permission: 'care:team:read', href: '/care/withheld-notes', text: 'Withheld notes to confirm' },
  { permission: 'crisis:duty:manage', href: '/crisis/duty', text: 'Who is on duty (crisis)' },
  { permission: 'crisis:measures:read', href: '/crisis/measures', text: 'Crisis measures' },
  { permission: 'front-door:referral:create', href: '/refer', text: 'Refer someone for help' },
  { permission: 'front-door:referral:create', href: '/refer/mine', text: 'Your referrals' },
  { permission: 'front-door:referral:receive', href: '/referrals/received', text: 'Referrals to your services' },
  { permission: 'directory:services:manage', href: '/directory/manage', text: 'Your organisation’s services' },
  { permission: 'directory:read', href: '/directory', text: 'Find support in the directory' },
  { permission: 'admin:outbox:read', href: '/admin/outbox', text: 'Messages sent (outbox)' },
];

export function homeLinks(actor: Actor) {
  return LINKS.filter((l) => can(actor, l.permission)).map(({ href, text }) => ({ href, text }));
}

export default async function home(app: FastifyInstance, _opts: { platform: Platform }) {
  // Everyone: what Mutual is, how to get help now, and where to go next.
  app.get(paths.home, { config: { public: true } }, async (request, reply) => {
    return reply.view('home/views/index.njk', { title: 'Get support with your mental health', homeLinks: homeLinks(request.actor) });
  });

  app.get(paths.accessibility, { config: { public: true } }, async (_request, reply) => {
    return reply.view('home/views/accessibility.njk', { title: 'Accessibility statement' });
  });

  app.get(paths.privacy, { config: { public: true } }, async (_request, reply) => {
    return reply.view('home/views/privacy.njk', { title: 'Privacy' });
  });
}
