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
