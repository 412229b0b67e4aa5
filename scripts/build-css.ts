// Builds public/build/mutual.css from nhsuk-frontend's Sass (see src/platform/views/styles).
// Skips the work when the output is newer than every source.
import fs from 'node:fs';
import path from 'node:path';
import * as sass from 'sass';

const source = path.resolve('src/platform/views/styles/mutual.scss');
const target = path.resolve('public/build/mutual.css');
const frontend = path.resolve('node_modules/nhsuk-frontend/package.json');

const newest = Math.max(fs.statSync(source).mtimeMs, fs.statSync(frontend).mtimeMs, fs.statSync(import.meta.filename).mtimeMs);
if (fs.existsSync(target) && fs.statSync(target).mtimeMs > newest && !process.argv.includes('--force')) process.exit(0);

const result = sass.compile(source, { loadPaths: [path.resolve('node_modules')], style: 'compressed', quietDeps: true, silenceDeprecations: ['import'] });
if (/https?:\/\//.test(result.css.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, ''))) {
  console.error('build-css: the stylesheet refers to another host; pages must load nothing from elsewhere.');
  process.exit(1);
}
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, result.css);
console.log(`build-css: wrote ${path.relative(process.cwd(), target)} (${Math.round(result.css.length / 1024)} KiB)`);
