// The needs taxonomy (data/needs-taxonomy.json): mental health and its wider determinants, each
// term with a THRIVE-style need group. Loaded here so every database, demo or not, has it.
// The JSON file is data versioned with the code; a later change to it comes with its own migration.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';

interface NeedsFile {
  taxonomy: { id: string; name: string; description: string; uri: string; version: string };
  terms: { id: string; code: string; name: string; description: string; needGroup: string }[];
}

function load(): NeedsFile {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '../data/needs-taxonomy.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as NeedsFile;
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const { taxonomy, terms } = load();
  await db.insertInto('directory_taxonomies').values(taxonomy).execute();
  await db
    .insertInto('directory_taxonomy_terms')
    .values(
      terms.map((t) => ({
        id: t.id,
        code: t.code,
        name: t.name,
        description: t.description,
        parent_id: null,
        taxonomy_id: taxonomy.id,
        taxonomy: taxonomy.name,
        term_uri: `${taxonomy.uri}/${t.code}`,
        need_group: t.needGroup,
      })),
    )
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  const { taxonomy } = load();
  await db.deleteFrom('directory_taxonomy_terms').where('taxonomy_id', '=', taxonomy.id).execute();
  await db.deleteFrom('directory_taxonomies').where('id', '=', taxonomy.id).execute();
}
