// Error pages and problem responses. 5xx details are logged (without personal data) and never shown.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { wantsJson } from '../access/plugin.ts';
import { ConflictError, InputError, NotFoundError, sendProblem, validationProblem } from './problems.ts';

const PAGES: Record<number, { title: string; heading: string; paragraphs: string[] }> = {
  400: { title: 'There is a problem', heading: 'Sorry, there is a problem with that request', paragraphs: ['Go back and try again.'] },
  403: {
    title: 'Your form has expired',
    heading: 'Sorry, we could not accept that form',
    paragraphs: ['This can happen if the page was open for a long time, or cookies are turned off. Nothing has been saved.', 'Go back, reload the page and try again.'],
  },
  404: {
    title: 'Page not found',
    heading: 'Page not found',
    paragraphs: ['If you typed the web address, check it is correct.', 'If you pasted the web address, check you copied the entire address.', 'The page may also need you to sign in with an account that can see it.'],
  },
  409: { title: 'That has changed', heading: 'Sorry, that could not be done', paragraphs: [] },
  413: { title: 'Too much information', heading: 'Sorry, that was too much information to send at once', paragraphs: ['Go back, shorten what you typed, and try again.'] },
  429: { title: 'Too many attempts', heading: 'Too many attempts', paragraphs: ['Wait a few minutes, then try again.'] },
  500: {
    title: 'Sorry, there is a problem with the service',
    heading: 'Sorry, there is a problem with the service',
    paragraphs: ['Try again later. If you need help now, use the numbers below.'],
  },
};

export async function renderErrorPage(reply: FastifyReply, status: number, extra: string[] = []): Promise<FastifyReply> {
  const page = PAGES[status] ?? PAGES[500]!;
  return reply.code(status).view('errors/error.njk', { ...page, paragraphs: [...extra, ...page.paragraphs] });
}

export default fp(
  async function errors(app: FastifyInstance) {
    app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
      if (wantsJson(request)) return sendProblem(reply, { title: 'Not found', status: 404, instance: request.url });
      return renderErrorPage(reply, 404);
    });

    app.setErrorHandler(async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      if (error instanceof NotFoundError) return reply.callNotFound();
      if (error instanceof InputError) {
        if (wantsJson(request)) return validationProblem(reply, error.errors, request.url);
        return renderErrorPage(reply, 400, error.errors.map((e) => e.message));
      }
      if (error instanceof ConflictError) {
        if (wantsJson(request)) return sendProblem(reply, { title: error.message, status: 409, ...error.details });
        return renderErrorPage(reply, 409, [error.message]);
      }
      let status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
      if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') status = 403;
      if (status >= 500) {
        // The message may carry input; log the error's kind and stack only.
        request.log.error({ err: { type: error.name, code: error.code, stack: error.stack } }, 'request failed');
      }
      if (wantsJson(request)) {
        const title =
          status === 400 && error.code?.startsWith('FST_ERR_CTP')
            ? 'The request body could not be read'
            : status === 413
              ? 'The request body is too large'
              : status >= 500
                ? 'Internal server error'
                : (error.message ?? 'Error');
        return sendProblem(reply, {
          title,
          status,
          detail: status < 500 && error.validation ? error.message : undefined,
          instance: request.url,
        });
      }
      return renderErrorPage(reply, status);
    });
  },
  { name: 'errors', dependencies: ['views'] },
);
