// Builds the light frontend: src/ -> ../voila/templates/gfmis/static/lite.js and lite.css,
// minified. Run after changing anything here:  npm ci && npm run build  (in this folder).
// The script's first line carries a hash of the sources and the lockfile:
// tests/test_lite_frontend.py recomputes it and fails when they changed without a rebuild.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const out = join(here, '..', 'voila', 'templates', 'gfmis', 'static');

// The same recipe as tests/test_lite_frontend.py: sha256 over (name NUL content NUL) of
// build.mjs, package.json, package-lock.json and every file in src/, names sorted.
export function sourceHash() {
  const names = ['build.mjs', 'package.json', 'package-lock.json',
    ...readdirSync(join(here, 'src')).sort().map((n) => 'src/' + n)].sort();
  const hash = createHash('sha256');
  for (const name of names) {
    hash.update(name + '\0');
    hash.update(readFileSync(join(here, name)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const hash = sourceHash();
for (const name of readdirSync(out, { withFileTypes: true })) {
  if (/^lite\.([0-9a-f]+\.)?(js|css)$/.test(name.name)) rmSync(join(out, name.name));
}
await build({
  entryPoints: { lite: join(here, 'src', 'index.js') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  outdir: out,
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
  legalComments: 'none',
  banner: { js: `/* gfmis-lite sources ${hash} */`, css: `/* gfmis-lite sources ${hash} */` },
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
// A hash of each file's content in its name: a new build, a new name, so the files can be cached
// for a year (sandbox/ui/voila_app.py: HASHED).
const named = (ext) => {
  const content = readFileSync(join(out, 'lite.' + ext));
  const name = `lite.${createHash('sha256').update(content).digest('hex').slice(0, 16)}.${ext}`;
  renameSync(join(out, 'lite.' + ext), join(out, name));
  return name;
};
const js = named('js');
const css = named('css');
writeFileSync(join(out, '..', 'lite_assets.html.j2'), `{#- Written by sandbox/ui/jupyter/lite/build.mjs (do not edit): the light frontend's files. -#}
<link rel="stylesheet" type="text/css" href="{{ resources.base_url }}voila/templates/gfmis/static/${css}">
<script defer src="{{ resources.base_url }}voila/templates/gfmis/static/${js}"></script>
`);
console.log('built', js, css, 'sources', hash);
