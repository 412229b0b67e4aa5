// Sign-in, the authenticator code, setting up an authenticator, and sign-out.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../context.ts';
import { cookieName } from '../http/security.ts';
import { parseInput } from '../http/problems.ts';
import codeRoutes from './code-routes.ts';
import { paths } from './paths.ts';
import { codeSchema, MESSAGES, signInSchema } from './schemas.ts';
import { completeWithCode, pendingTotpSecret, safeNext, signInWithPassword, signOut } from './sign-in.ts';
import { totpQrSvg, totpUri } from './totp.ts';

const oneError = (field: string, text: string) => ({ summary: [{ text, href: `#${field}` }], fields: { [field]: { text } } });

export default async function authRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  const { config } = platform;
  const cookie = cookieName(config, 'session');
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.cookieSecure };

  const setSession = (reply: FastifyReply, id: string) => reply.setCookie(cookie, id, cookieOptions);
  const clearSession = (reply: FastifyReply) => reply.clearCookie(cookie, cookieOptions);
  const pending = (request: FastifyRequest, stage: 'mfa' | 'enrol') => (request.authSession?.stage === stage ? request.authSession : null);

  const signInPage = (reply: FastifyReply, status: number, values: Record<string, unknown>, errors?: unknown) =>
    reply.code(status).view('auth/sign-in.njk', { title: 'Sign in', values: { email: values.email, next: safeNext(values.next) }, errors });

  // People: sign in to their own record with a one-time code.
  await app.register(codeRoutes, { platform });

  // The email and password form. `next` (a local path) is where to go once signed in.
  app.get<{ Querystring: { next?: string } }>(paths.signIn, { config: { public: true } }, async (request, reply) => {
    return signInPage(reply, 200, { next: request.query.next });
  });

  app.post(paths.signIn, { config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (request, reply) => {
    const parsed = parseInput(signInSchema, request.body);
    if (!parsed.ok) return signInPage(reply, 400, parsed.values, parsed.errors);
    const result = await signInWithPassword(platform, {
      email: parsed.data.email,
      password: parsed.data.password,
      address: request.ip,
      returnTo: safeNext(parsed.data.next),
      previousSession: request.authSession?.idHash ?? null,
    });
    switch (result.kind) {
      case 'throttled':
        return signInPage(reply, 429, parsed.data, oneError('email', MESSAGES.throttled));
      case 'refused':
        return signInPage(reply, 400, parsed.data, oneError('email', MESSAGES.refused));
      case 'mfa':
        return setSession(reply, result.sessionId).redirect(paths.code, 303);
      case 'enrol':
        return setSession(reply, result.sessionId).redirect(paths.setUpAuthenticator, 303);
      case 'signed-in':
        return setSession(reply, result.sessionId).redirect(result.returnTo ?? '/', 303);
    }
  });

  // Staff: the code from their authenticator app.
  app.get(paths.code, { config: { public: true } }, async (request, reply) => {
    if (!pending(request, 'mfa')) return reply.redirect(paths.signIn, 303);
    return reply.view('auth/code.njk', { title: 'Enter the code from your authenticator app', values: {} });
  });

  app.post(paths.code, { config: { public: true } }, async (request, reply) => {
    const session = pending(request, 'mfa');
    if (!session) return reply.redirect(paths.signIn, 303);
    const render = (status: number, message: string) =>
      reply.code(status).view('auth/code.njk', { title: 'Enter the code from your authenticator app', values: {}, errors: oneError('code', message) });
    return codeStep(request, reply, session, render);
  });

  // Staff who have no authenticator yet: a QR code (and the secret as text) to set one up.
  const setUpPage = async (request: FastifyRequest, reply: FastifyReply, status: number, errors?: unknown) => {
    const session = pending(request, 'enrol');
    const found = session && (await pendingTotpSecret(platform, session));
    if (!found) return reply.redirect(paths.signIn, 303);
    const qrSvg = await totpQrSvg(totpUri(config.serviceName, found.email, found.secret));
    return reply.code(status).view('auth/set-up-authenticator.njk', { title: 'Set up your authenticator app', qrSvg, secret: found.secret, values: {}, errors });
  };

  app.get(paths.setUpAuthenticator, { config: { public: true } }, async (request, reply) => setUpPage(request, reply, 200));

  app.post(paths.setUpAuthenticator, { config: { public: true } }, async (request, reply) => {
    const session = pending(request, 'enrol');
    if (!session) return reply.redirect(paths.signIn, 303);
    return codeStep(request, reply, session, (status, message) => setUpPage(request, reply, status, oneError('code', message)));
  });

  async function codeStep(
    request: FastifyRequest,
    reply: FastifyReply,
    session: NonNullable<FastifyRequest['authSession']>,
    render: (status: number, message: string) => Promise<unknown> | FastifyReply,
  ) {
    const parsed = parseInput(codeSchema, request.body);
    if (!parsed.ok) return render(400, MESSAGES.wrongCode);
    const result = await completeWithCode(platform, session, parsed.data.code, request.ip);
    switch (result.kind) {
      case 'restart':
        return clearSession(reply).redirect(paths.signIn, 303);
      case 'throttled':
        clearSession(reply);
        return signInPage(reply, 429, {}, oneError('email', MESSAGES.throttled));
      case 'wrong':
        return render(400, MESSAGES.wrongCode);
      case 'used':
        return render(400, MESSAGES.usedCode);
      case 'signed-in':
        return setSession(reply, result.sessionId).redirect(result.returnTo ?? '/', 303);
    }
  }

  // Sign-out is a POST with a CSRF token: a link or an image elsewhere cannot sign anyone out.
  app.get(paths.signOut, { config: { permission: 'session:end' } }, async (_request, reply) => {
    return reply.view('auth/sign-out.njk', { title: 'Sign out' });
  });

  app.post(paths.signOut, { config: { permission: 'session:end' } }, async (request, reply) => {
    if (request.authSession) await signOut(platform, request.authSession, request.ip);
    return clearSession(reply).redirect(paths.signedOut, 303);
  });

  app.get(paths.signedOut, { config: { public: true } }, async (_request, reply) => {
    return reply.view('auth/signed-out.njk', { title: 'You have signed out' });
  });
}
