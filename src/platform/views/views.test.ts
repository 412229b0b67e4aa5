import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import nunjucks from 'nunjucks';
import { testConfig } from '../../config.ts';
import { configureEnvironment, templatePaths } from './views.ts';

const components = path.join(templatePaths.at(-1)!, 'nhsuk/components');

interface Fixtures {
  component: string;
  fixtures: { name: string; context: Record<string, unknown> }[];
}

describe('the template environment', () => {
  it("renders every nhsuk-frontend component fixture exactly as with Nunjucks' own trim filter", () => {
    const plain = new nunjucks.Environment(new nunjucks.FileSystemLoader(templatePaths), { autoescape: true });
    const ours = configureEnvironment(new nunjucks.Environment(new nunjucks.FileSystemLoader(templatePaths), { autoescape: true }), testConfig());
    let rendered = 0;
    for (const name of fs.readdirSync(components)) {
      const file = path.join(components, name, 'fixtures.json');
      if (!fs.existsSync(file)) continue;
      const { component, fixtures } = JSON.parse(fs.readFileSync(file, 'utf8')) as Fixtures;
      const macro = /\{%-?\s*macro\s+(\w+)/.exec(fs.readFileSync(path.join(components, name, 'macro.njk'), 'utf8'))?.[1];
      assert.ok(macro, `${component}: its macro`);
      const source = `{% from "nhsuk/components/${component}/macro.njk" import ${macro} %}{{ ${macro}(params) }}`;
      for (const fixture of fixtures) {
        const params = fixture.context;
        assert.equal(ours.renderString(source, { params }), plain.renderString(source, { params }), `${component}: ${fixture.name}`);
        rendered++;
      }
    }
    assert.ok(rendered > 200, `${rendered} fixtures rendered`);
  });

  it("renders every fixture, and loops, sets and macros, the same with the quick frame set as with Nunjucks' own", () => {
    const env = configureEnvironment(new nunjucks.Environment(new nunjucks.FileSystemLoader(templatePaths), { autoescape: true }), testConfig());
    type Set = (name: string, value: unknown, resolveUp?: boolean) => void;
    const proto = (nunjucks.runtime as unknown as { Frame: { prototype: { set: Set; __nunjucksSet?: Set } } }).Frame.prototype;
    const quick = proto.set;
    const original = proto.__nunjucksSet;
    assert.ok(original && original !== quick, 'the quick set is in place, and Nunjucks’ own is kept');
    const cases: { source: string; params: unknown }[] = [
      {
        source:
          '{% macro m(a, b="d") %}{% set a = a ~ "!" %}{{ a }}{{ b }}{% for i in [1, 2] %}{% set a = i %}{{ loop.index }}{{ loop.first }}{{ loop.last }}{{ a }}{% endfor %}{{ a }}{% endmacro %}' +
          '{% set x = 1 %}{% for y in params.list %}{% set x = y %}{{ x }}{% for z in [y, y] %}{{ loop.index0 }}{{ loop.revindex }}{{ loop.length }}{% endfor %}{% endfor %}{{ x }}' +
          '{% set block %}captured {{ x }}{% endset %}{{ block }}{{ m("p") }}{{ m("q", b="r") }}{% if true %}{% set x = "in if" %}{% endif %}{{ x }}',
        params: { list: ['a', 'b', 'c'] },
      },
    ];
    for (const name of fs.readdirSync(components)) {
      const file = path.join(components, name, 'fixtures.json');
      if (!fs.existsSync(file)) continue;
      const { component, fixtures } = JSON.parse(fs.readFileSync(file, 'utf8')) as Fixtures;
      const macro = /\{%-?\s*macro\s+(\w+)/.exec(fs.readFileSync(path.join(components, name, 'macro.njk'), 'utf8'))?.[1];
      for (const fixture of fixtures) cases.push({ source: `{% from "nhsuk/components/${component}/macro.njk" import ${macro} %}{{ ${macro}(params) }}`, params: fixture.context });
    }
    try {
      for (const c of cases) {
        proto.set = original;
        const expected = env.renderString(c.source, { params: c.params });
        proto.set = quick;
        assert.equal(env.renderString(c.source, { params: c.params }), expected, c.source.slice(0, 80));
      }
    } finally {
      proto.set = quick;
    }
    assert.ok(cases.length > 200);
  });

  it('renders the same with macros imported once and kept (every fixture twice, in two orders)', () => {
    const plain = new nunjucks.Environment(new nunjucks.FileSystemLoader(templatePaths), { autoescape: true });
    const ours = configureEnvironment(new nunjucks.Environment(new nunjucks.FileSystemLoader(templatePaths), { autoescape: true }), testConfig());
    const cases: { label: string; source: string; params: Record<string, unknown> }[] = [];
    for (const name of fs.readdirSync(components)) {
      const file = path.join(components, name, 'fixtures.json');
      if (!fs.existsSync(file)) continue;
      const { component, fixtures } = JSON.parse(fs.readFileSync(file, 'utf8')) as Fixtures;
      const macro = /\{%-?\s*macro\s+(\w+)/.exec(fs.readFileSync(path.join(components, name, 'macro.njk'), 'utf8'))?.[1];
      for (const fixture of fixtures) {
        // Each macro imported through a template file, as pages do, so the import is of a cached template.
        cases.push({ label: `${component}: ${fixture.name}`, source: `{% from "nhsuk/components/${component}/macro.njk" import ${macro} %}{{ ${macro}(params) }}`, params: fixture.context });
      }
    }
    const expected = cases.map((c) => plain.renderString(c.source, { params: c.params }));
    const compiled = cases.map((c) => nunjucks.compile(c.source, ours));
    for (const order of [cases.map((_, i) => i), cases.map((_, i) => cases.length - 1 - i)]) {
      for (const i of order) assert.equal(compiled[i]!.render({ params: cases[i]!.params }), expected[i], cases[i]!.label);
    }
  });
});
