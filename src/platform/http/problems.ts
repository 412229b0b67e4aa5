// One formatter for validation failures, serving both kinds of caller:
// - HTML forms re-render with status 400, an NHS error summary linking to each field, the field's
//   own message, and the values typed (NHS service manual: error summary, error message);
// - JSON APIs answer application/problem+json (RFC 9457) with the fields at fault.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

export interface FieldError {
  /** Dotted path of the field, e.g. "person.postcode". */
  field: string;
  message: string;
}

export interface FormErrors {
  /** For the error summary: text and a link to the field. */
  summary: { text: string; href: string }[];
  /** For each field's errorMessage, keyed by the field's form name. */
  fields: Record<string, { text: string }>;
}

/** The id an input gets in a page, so the summary can link to it. Dots become hyphens. */
export function fieldId(field: string): string {
  return field.replace(/[.[\]]+/g, '-').replace(/-$/, '');
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'body';
    if (seen.has(field)) continue; // one message a field, the first one (the most basic)
    seen.add(field);
    out.push({ field, message: issue.message });
  }
  return out;
}

export function formErrors(errors: FieldError[]): FormErrors {
  return {
    summary: errors.map((e) => ({ text: e.message, href: `#${fieldId(e.field)}` })),
    fields: Object.fromEntries(errors.map((e) => [e.field, { text: e.message }])),
  };
}

export type ParseResult<T> =
  | { ok: true; data: T }
  | { ok: false; errors: FormErrors; fieldErrors: FieldError[]; values: Record<string, unknown> };

/** Parses a form or JSON body; on failure, returns what the page needs to show the errors and keep what was typed. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errs = fieldErrors(result.error);
  return { ok: false, errors: formErrors(errs), fieldErrors: errs, values: (input ?? {}) as Record<string, unknown> };
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

/** Sends an RFC 9457 problem response. */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .send({ type: 'about:blank', ...problem });
}

export function validationProblem(reply: FastifyReply, errors: FieldError[], instance?: string): FastifyReply {
  return sendProblem(reply, {
    type: 'https://mutual.invalid/problems/validation',
    title: 'Your request has errors',
    status: 400,
    detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    instance,
    errors,
  });
}

/** An error a domain function throws for a caller's mistake; the HTTP layer shows it as a field error. */
export class InputError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'InputError';
  }
}

/** Not found, or not allowed: the caller cannot tell which (deny by default, ASVS V8.2). */
export class NotFoundError extends Error {
  readonly statusCode = 404;
  constructor(message = 'Not found') {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A state the action cannot be taken in (e.g. closing without an outcome, a plan changed since opened). */
export class ConflictError extends Error {
  readonly statusCode = 409;
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** What a form page is shown with again: the errors, what was typed, and the status (400 for errors). */
export interface Shown {
  errors?: FormErrors;
  values?: Record<string, unknown>;
  status?: number;
}

/** Runs a form's change; a domain InputError shows the form again with the errors and what was typed. */
export async function orShowErrors(request: FastifyRequest, run: () => Promise<FastifyReply>, show: (extra: Shown) => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InputError) return show({ errors: formErrors(error.errors), values: request.body as Record<string, unknown>, status: 400 });
    throw error;
  }
}
