// Validation against the Open Referral UK JSON Schemas, exactly as published (HSDS 3.0 UK profile,
// OpenReferralUK/uk-profile, CC BY-SA 4.0). They are not copied into this repository: they live in
// `shared/data/openreferral-uk/` beside it, resolved from the repository root so the same code works
// wherever the repository is cloned (CI clones it next to `shared/`).
//
// The schemas declare no `$schema`; the ORUK OpenAPI description declares the 2020-12 dialect
// (`jsonSchemaDialect`), so they are compiled with Ajv's 2020-12 class and ajv-formats (uuid, uri,
// email, date-time). They carry Table Schema / data-package annotations (`name`, `constraints`,
// `core`, …) that are declared as annotation keywords so that Ajv stays strict about everything else.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import * as formatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module.
const addFormats = ((formatsModule as unknown as { default: { default?: FormatsPlugin } & FormatsPlugin }).default.default ??
  (formatsModule as unknown as { default: FormatsPlugin }).default) as FormatsPlugin;

/** The repository root (three folders up from src/modules/directory/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where the ORUK schemas, OpenAPI description and examples are: `../shared/data/openreferral-uk` from the repository root. */
export function orukDataDir(root: string = REPO_ROOT): string {
  return path.resolve(root, '../shared/data/openreferral-uk');
}

/** The ids the ORUK OpenAPI description gives the schemas (never fetched: relative references resolve against them). */
const SCHEMA_BASE = 'https://raw.githubusercontent.com/openreferral/uk-profile/main/';

/** The schemas a response or a feed record is checked against. */
export const ORUK_SCHEMAS = {
  /** A fully nested service (`/services/{id}`, a feed record). */
  service: 'schema/compiled/service.json',
  /** A service in a `/services` page. */
  serviceListItem: 'schema/compiled/service_list.json',
  organization: 'schema/compiled/organization.json',
  organizationListItem: 'schema/compiled/organization_list.json',
  serviceAtLocation: 'schema/compiled/service_at_location.json',
  serviceAtLocationListItem: 'schema/compiled/service_at_location_list.json',
  taxonomy: 'schema/taxonomy.json',
  taxonomyTerm: 'schema/taxonomy_term.json',
} as const;
export type OrukSchemaName = keyof typeof ORUK_SCHEMAS;

/** A field that failed: the JSON pointer (RFC 6901) into the record and what is wrong with it. */
export interface SchemaIssue {
  pointer: string;
  message: string;
}

/** Annotation keywords of the data-package/Table Schema origin of the ORUK schemas. */
const ANNOTATIONS = ['name', 'path', 'datapackage_metadata', 'datapackage_type', 'constraints', 'example', 'core', 'tabular_required'];

/**
 * The page envelope of ORUK list responses (OpenAPI `components.schemas.Page`), with `contents`
 * items checked against a compiled item schema. The ORUK `Page` requires none of its fields; our own
 * pages give every one, except `total_items` and `total_pages` when there are more matches than we
 * count (see `orukPage` in oruk-routes.ts), so those two are checked only when present.
 */
function pageSchema(itemRef: string) {
  return {
    type: 'object',
    required: ['page_number', 'size', 'first_page', 'last_page', 'empty', 'contents'],
    properties: {
      total_items: { type: 'integer', minimum: 0 },
      total_pages: { type: 'integer', minimum: 0 },
      page_number: { type: 'integer', minimum: 1 },
      size: { type: 'integer', minimum: 0 },
      first_page: { type: 'boolean' },
      last_page: { type: 'boolean' },
      empty: { type: 'boolean' },
      contents: { type: 'array', items: { $ref: itemRef } },
    },
  };
}

export class OrukValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly dataDir: string = orukDataDir()) {
    if (!fs.existsSync(path.join(dataDir, 'schema', 'compiled', 'service.json'))) {
      throw new Error(`The Open Referral UK schemas were not found at ${dataDir}; they belong in shared/data/openreferral-uk beside the repository.`);
    }
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
    addFormats(this.ajv);
    this.ajv.addVocabulary(ANNOTATIONS);
    for (const [name, file] of Object.entries(ORUK_SCHEMAS)) {
      const schema = JSON.parse(fs.readFileSync(path.join(dataDir, file), 'utf8')) as Record<string, unknown>;
      this.ajv.addSchema({ ...schema, $id: `${SCHEMA_BASE}${file}` }, `oruk:${name}`);
    }
  }

  private get(name: string): ValidateFunction {
    let fn = this.compiled.get(name);
    if (!fn) {
      fn = this.ajv.getSchema(name);
      if (!fn) throw new Error(`No schema ${name}`);
      this.compiled.set(name, fn);
    }
    return fn;
  }

  /** Checks one object against a schema; an empty list means it is valid. */
  validate(schema: OrukSchemaName, value: unknown): SchemaIssue[] {
    const fn = this.get(`oruk:${schema}`);
    return fn(value) ? [] : issuesOf(fn.errors ?? []);
  }

  /** Checks a list page: the ORUK page envelope with every item against the item schema. */
  validatePage(itemSchema: OrukSchemaName, value: unknown): SchemaIssue[] {
    const id = `oruk:page:${itemSchema}`;
    if (!this.ajv.getSchema(id)) this.ajv.addSchema(pageSchema(`${SCHEMA_BASE}${ORUK_SCHEMAS[itemSchema]}`), id);
    const fn = this.get(id);
    return fn(value) ? [] : issuesOf(fn.errors ?? []);
  }

  private openApi: string | undefined;

  /** The shipped ORUK OpenAPI description (served at /openreferral/openapi.json). */
  openApiText(): string {
    this.openApi ??= fs.readFileSync(path.join(this.dataDir, 'schema', 'openapi.json'), 'utf8');
    return this.openApi;
  }
}

/** Ajv errors as pointers to the failing field (a missing field is pointed at, not its parent). */
export function issuesOf(errors: readonly ErrorObject[]): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    let pointer = e.instancePath;
    let message = e.message ?? 'is not valid';
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      pointer = `${pointer}/${missing.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      message = 'is required';
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'format') {
      message = `must be a valid ${(e.params as { format: string }).format}`;
    }
    const key = `${pointer} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer: pointer || '/', message });
  }
  return out;
}

let shared: OrukValidator | undefined;

/** One validator per process (compiling the schemas takes a moment). */
export function orukValidator(): OrukValidator {
  shared ??= new OrukValidator();
  return shared;
}
