// Builds the dashboards' page (src/) into the bpwidgets-lean Voila template's static folder, and records a digest
// of what it was built from there, so that a test sees a source changed without a rebuild.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const OUT = '../bpwidgets/share/jupyter/voila/templates/bpwidgets-lean/static';
const common = { bundle: true, minify: true, logLevel: 'warning', legalComments: 'linked',
                 loader: { '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' } };

await esbuild.build({ ...common, entryPoints: ['src/page.js'], format: 'iife', outfile: `${OUT}/page.js`,
                      define: { 'process.env.NODE_ENV': '"production"' } });
for (const theme of ['light', 'dark'])
  await esbuild.build({ ...common, entryPoints: [`src/${theme}.css`], outfile: `${OUT}/${theme}.css` });

const digest = createHash('sha256');
for (const name of ['package.json', 'package-lock.json', 'build.mjs', ...readdirSync('src').sort().map((n) => `src/${n}`)])
  digest.update(name).update(readFileSync(name));
writeFileSync(`${OUT}/SOURCES.sha256`, `${digest.digest('hex')}\n`);
