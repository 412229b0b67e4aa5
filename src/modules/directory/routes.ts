// Public pages of the directory: search, a service, "need help now". No sign-in; GET forms, so
// every search is a link that can be shared and works without JavaScript.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type FieldError, formErrors, parseInput } from '../../platform/http/problems.ts';
import { type DirectoryDeps, needHelpNow, type SearchOptions, searchDirectory, searchOptions, servicePage } from './directory.ts';
import { paths } from './paths.ts';
import { NEED_HELP_NOW_FIELDS, SEARCH_DAYS, SEARCH_FIELDS, SEARCH_RADII_MILES, searchSchema, needHelpNowSchema } from './schemas.ts';

type Query = Record<string, string | string[] | undefined>;

/** Query parameters the form does not have: named in the error summary rather than ignored. */
function unknownFilters(query: Query, known: readonly string[]): FieldError[] {
  const unknown = Object.keys(query).filter((k) => !known.includes(k));
  if (unknown.length === 0) return [];
  const names = unknown.slice(0, 3).map((k) => `“${k.slice(0, 30)}”`).join(', ');
  return [{ field: 'q', message: `We cannot search by ${names}. Use the search form to choose what you need.` }];
}

/** The query string of a search with one value changed (for pagination links). */
function searchHref(query: Query, change: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const key of SEARCH_FIELDS) {
    const v = query[key];
    for (const item of Array.isArray(v) ? v : v != null && v !== '' ? [v] : []) params.append(key, item);
  }
  for (const [k, v] of Object.entries(change)) params.set(k, v);
  return `${paths.search}?${params.toString()}`;
}

function formModel(options: SearchOptions, values: Query) {
  const asList = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
  return {
    needItems: options.needs.map((n) => ({ value: n.code, text: n.name })),
    needValues: asList(values.need),
    languages: [{ value: '', text: 'Any language' }, ...options.languages.map((l) => ({ value: l.code, text: l.name }))],
    radii: SEARCH_RADII_MILES.map((r) => ({ value: r, text: `Within ${r} ${r === '1' ? 'mile' : 'miles'}` })),
    days: SEARCH_DAYS.map((d) => ({ value: d, text: d[0]!.toUpperCase() + d.slice(1) })),
  };
}

async function renderErrors(reply: FastifyReply, deps: DirectoryDeps, options: SearchOptions | null, query: Query, errors: FieldError[]) {
  const opts = options ?? (await searchOptions(deps.db));
  return reply.code(400).view('directory/views/search.njk', {
    title: 'Find support',
    errors: formErrors(errors),
    values: query,
    form: formModel(opts, query),
    searched: false,
  });
}

export function publicRoutes(app: FastifyInstance, deps: DirectoryDeps): void {
  // Search by need, words, place, hours, age, language, cost and access.
  app.get(paths.search, { config: { public: true } }, async (request, reply) => {
    const query = (request.query ?? {}) as Query;
    const unknown = unknownFilters(query, SEARCH_FIELDS);
    if (unknown.length) return renderErrors(reply, deps, null, query, unknown);
    const parsed = parseInput(searchSchema, query);
    if (!parsed.ok) return renderErrors(reply, deps, null, query, parsed.fieldErrors);
    const options = await searchOptions(deps.db);
    const searched = Object.keys(query).length > 0;
    if (!searched) {
      return reply.view('directory/views/search.njk', { title: 'Find support', values: {}, form: formModel(options, {}), searched: false });
    }
    const outcome = await searchDirectory(deps, parsed.data, options);
    if (!outcome.ok) return renderErrors(reply, deps, options, query, outcome.errors);
    const page = outcome.page;
    return reply.view('directory/views/search.njk', {
      title: 'Find support',
      values: query,
      form: formModel(options, query),
      searched: true,
      page,
      previousHref: page.page > 1 ? searchHref(query, { page: String(page.page - 1) }) : null,
      nextHref: page.more ? searchHref(query, { page: String(page.page + 1) }) : null,
    });
  });

  // One service: everything a person needs to go or call.
  app.get<{ Params: { id: string } }>(paths.service, { config: { public: true } }, async (request, reply) => {
    const id = request.params.id;
    if (!/^[0-9A-Za-z-]{1,64}$/.test(id)) return reply.callNotFound();
    const page = await servicePage(deps, id);
    if (!page) return reply.callNotFound();
    return reply.view('directory/views/service.njk', { title: page.record.name, page });
  });

  // Need help now: crisis options open at this moment, and the national numbers.
  app.get(paths.needHelpNow, { config: { public: true } }, async (request, reply) => {
    const query = (request.query ?? {}) as Query;
    const bad = unknownFilters(query, NEED_HELP_NOW_FIELDS).map((e) => ({ ...e, field: 'postcode' }));
    const parsed = parseInput(needHelpNowSchema, query);
    const errors = bad.length ? bad : parsed.ok ? [] : parsed.fieldErrors;
    const outcome = errors.length || !parsed.ok ? null : await needHelpNow(deps, parsed.data.postcode);
    if (!outcome?.ok) {
      const all = outcome && !outcome.ok ? outcome.errors : errors;
      const fallback = await needHelpNow(deps, undefined);
      return reply.code(400).view('directory/views/need-help-now.njk', {
        title: 'Need help now?',
        errors: formErrors(all),
        values: query,
        help: fallback.ok ? fallback.help : null,
      });
    }
    return reply.view('directory/views/need-help-now.njk', { title: 'Need help now?', values: query, help: outcome.help });
  });
}
