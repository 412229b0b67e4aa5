import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import * as formatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { testDialects } from '../../platform/db/testing.ts';
import { buildTestApp, type TestApp } from '../../testing/app.ts';
import { EXAMPLE_REQUEST } from './openapi.ts';
import { createHub } from './testing.ts';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module.
const addFormats = ((formatsModule as unknown as { default: { default?: FormatsPlugin } & FormatsPlugin }).default.default ??
  (formatsModule as unknown as { default: FormatsPlugin }).default) as FormatsPlugin;

type Json = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: walking an arbitrary JSON document.
type Doc = any;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every `$ref` in a JSON value. */
function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

function pointer(doc: Doc, ref: string): unknown {
  assert.ok(ref.startsWith('#/'), `a local reference: ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), doc as unknown);
}

/** A schema with its `#/components/schemas/…` references replaced by what they point to, for Ajv. */
function inline(doc: Doc, schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inline(doc, s));
  if (schema && typeof schema === 'object') {
    const ref = (schema as Json).$ref;
    if (typeof ref === 'string') return inline(doc, pointer(doc, ref));
    return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(doc, v)]));
  }
  return schema;
}

function ajv() {
  const a = new Ajv2020({ strict: true, allErrors: true });
  addFormats(a);
  return a;
}

function operations(doc: Doc): { path: string; method: string; op: Doc }[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );
}

let unique = 0;
function body(person: Json = {}, overrides: Json = {}) {
  unique++;
  return { source: 'self', person: { givenName: 'Ola', familyName: `Described${unique}x${process.pid}`, dateOfBirth: '1979-11-05', postcode: 'SE5 8AF', ...person }, story: 'I feel low and cannot sleep.', consentToShare: false, ...overrides };
}

for (const dialect of testDialects()) {
  describe(`the OpenAPI description of the JSON API (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let doc: Doc;
    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      await createHub(t.platform);
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      doc = res.json();
    });
    after(async () => {
      await t.close();
    });

    it('is public, and has what OpenAPI 3.1 requires: the version, info, and paths whose operations each answer something', () => {
      assert.match(doc.openapi, /^3\.1\.\d+$/);
      assert.equal(typeof doc.info.title, 'string');
      assert.equal(typeof doc.info.version, 'string');
      assert.ok(doc.paths && typeof doc.paths === 'object');
      const ops = operations(doc);
      assert.ok(ops.length >= 2);
      const ids = ops.map((o) => o.op.operationId);
      assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
      for (const { path, method, op } of ops) {
        assert.ok(Object.keys(op.responses ?? {}).length > 0, `${method} ${path} has responses`);
        for (const [status, response] of Object.entries(op.responses as Json)) {
          assert.match(status, /^[1-5]\d\d$/, `${method} ${path}: a status code`);
          assert.equal(typeof (response as Json).description, 'string', `${method} ${path} ${status} has a description`);
        }
        // Each {name} in the path is a required path parameter, and each path parameter is in the path.
        const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
        const declared = (op.parameters ?? []).filter((p: Json) => p.in === 'path');
        assert.deepEqual(declared.map((p: Json) => p.name).sort(), inPath, `${method} ${path}: path parameters`);
        for (const p of declared) assert.equal(p.required, true);
        for (const p of op.parameters ?? []) assert.ok(['query', 'header', 'path', 'cookie'].includes(p.in) && p.schema, `${method} ${path}: parameter ${p.name}`);
      }
      for (const ref of refsIn(doc)) assert.ok(pointer(doc, ref) !== undefined, `${ref} resolves`);
    });

    it('describes exactly the public API routes the app serves', () => {
      // The staff's JSON API for places (/api/v1/crisis/…, signed in) is the crisis module's, described in its README.
      const served = t.app.routeTable
        .filter((r) => r.url.startsWith('/api/v1/') && !r.url.startsWith('/api/v1/crisis/') && r.url !== '/api/v1/openapi.json' && r.method !== 'HEAD')
        .map((r) => `${r.method} ${r.url}`)
        .sort();
      const described = operations(doc)
        .map((o) => `${o.method.toUpperCase()} ${o.path.replace(/\{([^}]+)\}/g, ':$1')}`)
        .sort();
      assert.deepEqual(described, served);
      for (const r of t.app.routeTable.filter((x) => x.url.startsWith('/api/v1/'))) {
        assert.equal(r.public, !r.url.startsWith('/api/v1/crisis/'), `${r.method} ${r.url} is ${r.url.startsWith('/api/v1/crisis/') ? 'for signed-in staff' : 'public'}`);
      }
    });

    it('compiles every schema in it as JSON Schema 2020-12, strictly', () => {
      const a = ajv();
      const schemas: [string, unknown][] = [
        ...Object.entries(doc.components.schemas as Json).map(([name, s]) => [`components.schemas.${name}`, s] as [string, unknown]),
        ...operations(doc).flatMap(({ path, method, op }) => [
          ...(op.parameters ?? []).map((p: Json) => [`${method} ${path} parameter ${p.name}`, p.schema]),
          ...Object.entries(op.requestBody?.content ?? {}).map(([type, c]) => [`${method} ${path} body ${type}`, (c as Json).schema]),
          ...Object.entries(op.responses as Json).flatMap(([status, r]) =>
            Object.entries(((r as Json).content as Json) ?? {}).map(([type, c]) => [`${method} ${path} ${status} ${type}`, (c as Json).schema]),
          ),
        ]),
      ];
      assert.ok(schemas.length >= 15);
      for (const [where, schema] of schemas) assert.doesNotThrow(() => a.compile(inline(doc, schema) as Json), where);
    });

    it('accepts the documented example and real request bodies with the request schema, and rejects bad ones as the API does', async () => {
      const validate = ajv().compile(inline(doc, doc.components.schemas.RequestSubmission) as Json);
      const documented = doc.paths['/api/v1/requests'].post.requestBody.content['application/json'].examples['on-behalf'].value;
      assert.deepEqual(documented, EXAMPLE_REQUEST);
      const good = [
        { ...EXAMPLE_REQUEST, person: { ...EXAMPLE_REQUEST.person, familyName: `Example${++unique}x${process.pid}` } },
        body({ nhsNumber: '943 476 5919', email: 'ola@example.com' }),
        { ...body({ pronouns: 'she/her' }), channelHint: 'partner-app' },
      ];
      for (const b of good) {
        assert.ok(validate(b), `valid: ${JSON.stringify(validate.errors)}`);
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/requests', payload: b });
        assert.equal(res.statusCode, 201, `the API accepts what the description accepts: ${res.body}`);
      }
      const bad: [string, unknown][] = [
        ['no person', { ...body(), person: undefined }],
        ['an unknown source', body({}, { source: 'robot' })],
        ['consent as a word', body({}, { consentToShare: 'yes' })],
        ['a date of birth in another format', body({ dateOfBirth: '27/03/1990' })],
        ['an empty first name', body({ givenName: '' })],
        ['a story that is a number', body({}, { story: 42 })],
        ['a referrer without a name', body({}, { source: 'family-or-friend', referrer: { phone: '07700900982' } })],
      ];
      for (const [what, b] of bad) {
        assert.equal(validate(b), false, `the description refuses ${what}`);
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/requests', payload: b as Json });
        assert.equal(res.statusCode, 400, `the API refuses ${what} too`);
      }
    });

    it('matches what the running app answers, for every status it documents', async () => {
      const seen = new Set<string>();
      const compiled = new Map<unknown, ValidateFunction>();
      const a = ajv();
      function check(method: string, path: string, res: LightMyRequestResponse) {
        const response = doc.paths[path]?.[method]?.responses?.[String(res.statusCode)];
        assert.ok(response, `${method} ${path} documents ${res.statusCode}: ${res.body}`);
        const type = String(res.headers['content-type']).split(';')[0]!;
        const content = response.content?.[type];
        assert.ok(content, `${method} ${path} ${res.statusCode} documents ${type}`);
        let validate = compiled.get(content.schema);
        if (!validate) {
          validate = a.compile(inline(doc, content.schema) as Json);
          compiled.set(content.schema, validate);
        }
        assert.ok(validate(res.json()), `${method} ${path} ${res.statusCode}: ${res.body} — ${JSON.stringify(validate.errors)}`);
        for (const header of Object.keys(response.headers ?? {})) {
          if (header === 'Idempotent-Replayed' && !res.headers['idempotent-replayed']) continue;
          assert.ok(res.headers[header.toLowerCase()] !== undefined, `${method} ${path} ${res.statusCode} sends ${header}`);
        }
        seen.add(`${method} ${path} ${res.statusCode}`);
      }
      const post = (payload: unknown, headers: Record<string, string> = {}) =>
        t.app.inject({ method: 'POST', url: '/api/v1/requests', payload: payload as string, headers: { 'content-type': 'application/json', ...headers } });
      const submit = '/api/v1/requests';
      const status = '/api/v1/requests/{reference}/status';

      const created = await post(JSON.stringify(body()));
      check('post', submit, created);
      const key = `described-${unique}-${process.pid}`;
      const first = JSON.stringify(body());
      check('post', submit, await post(first, { 'idempotency-key': key }));
      const replayed = await post(first, { 'idempotency-key': key });
      assert.equal(replayed.headers['idempotent-replayed'], 'true');
      check('post', submit, replayed);
      check('post', submit, await post(JSON.stringify(body()), { 'idempotency-key': key }));
      check('post', submit, await post(JSON.stringify(body({ postcode: '75001' }))));
      check('post', submit, await post('{"source": '));
      check('post', submit, await post(JSON.stringify(body()), { 'idempotency-key': 'short' }));
      check('post', submit, await post(JSON.stringify({ story: 'x'.repeat(t.config.bodyLimit + 1) })));

      const reference = created.json().reference;
      check('get', status, await t.app.inject({ method: 'GET', url: `/api/v1/requests/${reference}/status?dateOfBirth=1979-11-05` }));
      check('get', status, await t.app.inject({ method: 'GET', url: `/api/v1/requests/${reference}/status?dateOfBirth=1979-11-06` }));
      check('get', status, await t.app.inject({ method: 'GET', url: `/api/v1/requests/${reference}/status` }));

      // Rate limits: an app that allows two calls a minute answers the third with 429.
      const limited = await buildTestApp(dialect, { rateLimits: { apiPerMinute: 2, lookupPerMinute: 2 } });
      try {
        for (let i = 0; i < 3; i++) {
          const res = await limited.app.inject({ method: 'POST', url: submit, payload: body() });
          if (i === 2) check('post', submit, res);
        }
        for (let i = 0; i < 3; i++) {
          const res = await limited.app.inject({ method: 'GET', url: `/api/v1/requests/${reference}/status?dateOfBirth=1979-11-05` });
          if (i === 2) check('get', status, res);
        }
      } finally {
        await limited.close();
      }

      const documented = operations(doc).flatMap(({ path, method, op }) => Object.keys(op.responses).map((s) => `${method} ${path} ${s}`));
      assert.deepEqual([...seen].sort(), documented.sort(), 'every documented answer was given, and nothing undocumented');
    });
  });
}
