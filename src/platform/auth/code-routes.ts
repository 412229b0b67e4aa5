// People signing in to their own record with a one-time code (one-time-code.ts): their email address
// or mobile number, then the code. The browser keeps a random token for the code page in a cookie of
// its own; the session cookie is set only once the code is right.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../context.ts';
import { parseInput } from '../http/problems.ts';
import { cookieName } from '../http/security.ts';
import { ONE_TIME_CODE, parseContact, requestSignInCode, signInWithCode } from './one-time-code.ts';
import { paths } from './paths.ts';
import { contactSchema, MESSAGES, personCodeSchema } from './schemas.ts';

/** Where a person lands once signed in: their portal (the people module's `/my-record`). */
const PERSON_HOME = '/my-record';
/** Where a member of someone's network lands: what people share with them (the people module's `/shared-with-me`). */
const NETWORK_HOME = '/shared-with-me';
const oneError = (field: string, text: string, href = `#${field}`) => ({ summary: [{ text, href }], fields: { [field]: { text } } });
const limited = { rateLimit: { max: 30, timeWindow: '1 minute' } } as const;

export default async function codeRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  const { config } = platform;
  const session = cookieName(config, 'session');
  const pending = cookieName(config, 'sign-in-code');
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.cookieSecure };
  const tokenOf = (request: FastifyRequest) => {
    const value = request.cookies[pending];
    return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
  };

  const contactPage = (reply: FastifyReply, status: number, values: Record<string, unknown> = {}, errors?: unknown) =>
    reply.code(status).view('auth/person-sign-in.njk', { title: 'Sign in to see your record', values, errors });
  const codePage = (reply: FastifyReply, status: number, values: Record<string, unknown> = {}, errors?: unknown) =>
    reply.code(status).view('auth/person-code.njk', { title: 'Enter the code we sent you', minutes: ONE_TIME_CODE.minutes, values, errors });

  // The person's email address or mobile number.
  app.get(paths.personSignIn, { config: { public: true } }, async (_request, reply) => contactPage(reply, 200));

  app.post(paths.personSignIn, { config: { public: true, ...limited } }, async (request, reply) => {
    const parsed = parseInput(contactSchema, request.body);
    if (!parsed.ok) return contactPage(reply, 400, parsed.values, parsed.errors);
    const contact = parseContact(parsed.data.contact);
    if (!contact) return contactPage(reply, 400, parsed.data, oneError('contact', MESSAGES.contactFormat));
    const result = await requestSignInCode(platform, contact, request.ip);
    if (result.kind === 'throttled') return contactPage(reply, 429, parsed.data, oneError('contact', MESSAGES.throttled));
    reply.setCookie(pending, result.token, { ...cookieOptions, maxAge: ONE_TIME_CODE.minutes * 60 });
    return reply.redirect(paths.personCode, 303);
  });

  // The code: the same page whether or not a code was sent.
  app.get(paths.personCode, { config: { public: true } }, async (request, reply) => {
    if (!tokenOf(request)) return reply.redirect(paths.personSignIn, 303);
    return codePage(reply, 200);
  });

  app.post(paths.personCode, { config: { public: true, ...limited } }, async (request, reply) => {
    const token = tokenOf(request);
    if (!token) return reply.redirect(paths.personSignIn, 303);
    const parsed = parseInput(personCodeSchema, request.body);
    if (!parsed.ok) return codePage(reply, 400, parsed.values, parsed.errors);
    const result = await signInWithCode(platform, { token, code: parsed.data.code, address: request.ip, previousSession: request.authSession?.idHash ?? null });
    switch (result.kind) {
      case 'restart':
        return reply.clearCookie(pending, cookieOptions).redirect(paths.personSignIn, 303);
      case 'throttled':
        reply.clearCookie(pending, cookieOptions);
        return contactPage(reply, 429, {}, oneError('contact', MESSAGES.throttled));
      case 'wrong':
        return codePage(reply, 400, { code: parsed.data.code }, oneError('code', MESSAGES.wrongPersonCode));
      case 'expired':
        return codePage(reply, 400, { code: parsed.data.code }, oneError('code', MESSAGES.expiredPersonCode));
      case 'signed-in':
        reply.clearCookie(pending, cookieOptions);
        return reply.setCookie(session, result.sessionId, cookieOptions).redirect(result.role === 'person' ? PERSON_HOME : NETWORK_HOME, 303);
    }
  });
}
