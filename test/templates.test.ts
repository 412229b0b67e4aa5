// Every call of an nhsuk-frontend macro in our templates passes only parameters the component reads.
// A misspelt or renamed parameter is dropped without a word: nhsuk-frontend 10's warning callout takes
// `html`, and two safety callouts passed `HTML` and rendered with empty bodies (hazards H18, H19). The
// components' own option lists (`macro-options.json`, shipped with nhsuk-frontend) say what each reads,
// nested options included (a label, a hint, each item of a list).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

interface MacroOption {
  name: string;
  isComponent?: boolean;
  params?: MacroOption[];
}

const COMPONENTS = path.join('node_modules', 'nhsuk-frontend', 'dist', 'nhsuk', 'components');

function optionsOf(component: string): MacroOption[] | null {
  const file = path.join(COMPONENTS, component, 'macro-options.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as MacroOption[]) : null;
}

/** A nested option that is a component of its own (a label, a hint) names it in kebab case. */
function componentOptions(name: string): MacroOption[] | null {
  return optionsOf(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
}

/**
 * Every property name a component's template reads (`params.label.text`, `item.width`): the option
 * lists leave out some that templates read of nested items (a date input's `classes` and `value`).
 */
function readBy(component: string): Set<string> {
  const file = path.join(COMPONENTS, component, 'template.njk');
  return new Set(fs.existsSync(file) ? [...fs.readFileSync(file, 'utf8').matchAll(/\.(\w+)/g)].map((m) => m[1]!) : []);
}

function templates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? templates(full) : e.name.endsWith('.njk') ? [full] : [];
  });
}

/** The value at the start of text, up to the comma (unless `bracketOnly`) or closing bracket that ends it (strings and brackets skipped). */
function valueEnd(text: string, from: number, bracketOnly = false): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('{[('.includes(ch)) depth++;
    else if ('}])'.includes(ch)) {
      if (depth === 0) return i;
      depth--;
    } else if (ch === ',' && depth === 0 && !bracketOnly) return i;
  }
  return text.length;
}

/** Where the bracket opened at `open` closes. */
function closeOf(text: string, open: number): number {
  return valueEnd(text, open + 1, true);
}

/** The keys of an object literal whose `{` is at `open`, each with its value's text. */
function entriesOf(text: string, open: number): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  let i = open + 1;
  const close = closeOf(text, open);
  while (i < close) {
    const m = /^\s*(?:"(\w+)"|'(\w+)'|(\w+))\s*:\s*/.exec(text.slice(i, close));
    if (!m) break;
    const start = i + m[0].length;
    const end = valueEnd(text, start);
    out.push({ key: m[1] ?? m[2] ?? m[3]!, value: text.slice(start, end).trim() });
    i = end + 1;
  }
  return out;
}

/** Each object literal of an array literal. */
function objectsOf(array: string): string[] {
  const out: string[] = [];
  let i = 1;
  while (i < array.length) {
    const at = array.indexOf('{', i);
    if (at < 0) break;
    const end = closeOf(array, at);
    out.push(array.slice(at, end + 1));
    i = end + 1;
  }
  return out;
}

/**
 * Keys of this object literal that the options do not list, as dotted paths. Below the top level, a
 * key the component's templates read counts as known too (`read`: the called component's, and a
 * nested component's own).
 */
function unknownKeys(literal: string, options: MacroOption[], where: string, read: Set<string> = new Set()): string[] {
  const found: string[] = [];
  for (const { key, value } of entriesOf(literal, 0)) {
    const option = options.find((o) => o.name === key);
    if (!option) {
      if (where === '' || !read.has(key)) found.push(`${where}${key}`);
      continue;
    }
    const component = option.isComponent ? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) : null;
    const nested = [...(option.params ?? []), ...((component && componentOptions(key)) || [])];
    if (nested.length === 0) continue;
    const known = new Set([...read, ...(component ? readBy(component) : [])]);
    if (value.startsWith('{')) found.push(...unknownKeys(value, nested, `${where}${key}.`, known));
    else if (value.startsWith('[')) for (const item of objectsOf(value)) found.push(...unknownKeys(item, nested, `${where}${key}[].`, known));
  }
  return found;
}

describe('calls of nhsuk-frontend macros', () => {
  const files = templates('src');

  it('pass only parameters the component reads, nested ones included', () => {
    const problems: string[] = [];
    let calls = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const imp of text.matchAll(/\{%-?\s*from\s+"nhsuk\/components\/([\w-]+)\/macro\.njk"\s+import\s+(\w+)(?:\s+as\s+(\w+))?/g)) {
        const options = optionsOf(imp[1]!);
        if (!options) continue;
        const name = imp[3] ?? imp[2]!;
        for (const call of text.matchAll(new RegExp(`\\b${name}\\(\\s*\\{`, 'g'))) {
          calls++;
          const open = call.index + call[0].length - 1;
          const literal = text.slice(open, closeOf(text, open) + 1);
          const line = text.slice(0, call.index).split('\n').length;
          for (const key of unknownKeys(literal, options, '', readBy(imp[1]!))) problems.push(`${file}:${line} ${imp[1]}: ${key}`);
        }
      }
    }
    assert.ok(calls > 100, `the templates' macro calls were found (${calls})`);
    assert.deepEqual(problems, []);
  });

  it('would catch the callouts that passed `HTML`', () => {
    const options = optionsOf('warning-callout')!;
    assert.deepEqual(unknownKeys('{ heading: "You said you do not feel safe", headingLevel: 2, HTML: unsafeHtml }', options, ''), ['HTML']);
    assert.deepEqual(unknownKeys('{ heading: "You said you do not feel safe", headingLevel: 2, html: unsafeHtml }', options, ''), []);
    assert.deepEqual(unknownKeys('{ name: "x", items: [{ value: "a", text: "A", hint: { TEXT: "no" } }] }', optionsOf('radios')!, ''), ['items[].hint.TEXT']);
  });
});
