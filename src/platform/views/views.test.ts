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
});
