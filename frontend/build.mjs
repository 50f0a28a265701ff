// Builds the dashboards' page (src/) into the bpwidgets-lean Voila template's static folder, and records a digest
// of what it was built from there, so that a test sees a source changed without a rebuild.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

// The widget manager waits 4 s for the kernel's answer with every widget's state, then asks for each widget
// apart; a page among twenty on a few cores waits longer than that for its answer, which then comes anyway.
const CONTROL_COMM = { file: /@jupyter-widgets\/base-manager\/lib\/manager-base\.js$/,
                       text: 'export const CONTROL_COMM_TIMEOUT = 4000;',
                       replacement: 'export const CONTROL_COMM_TIMEOUT = 120000;' };
const patience = {
  name: 'patience',
  setup(build) {
    build.onLoad({ filter: CONTROL_COMM.file }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (source.split(CONTROL_COMM.text).length !== 2) throw new Error(`${args.path} changed: update CONTROL_COMM`);
      return { contents: source.replace(CONTROL_COMM.text, CONTROL_COMM.replacement), loader: 'js' };
    });
  },
};

const OUT = '../bpwidgets/share/jupyter/voila/templates/bpwidgets-lean/static';
const common = { bundle: true, minify: true, logLevel: 'warning', legalComments: 'linked',
                 loader: { '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' } };

await esbuild.build({ ...common, entryPoints: ['src/page.js'], format: 'iife', outfile: `${OUT}/page.js`, plugins: [patience],
                      define: { 'process.env.NODE_ENV': '"production"' } });
for (const theme of ['light', 'dark'])
  await esbuild.build({ ...common, entryPoints: [`src/${theme}.css`], outfile: `${OUT}/${theme}.css` });

const digest = createHash('sha256');
for (const name of ['package.json', 'package-lock.json', 'build.mjs', ...readdirSync('src').sort().map((n) => `src/${n}`)])
  digest.update(name).update(readFileSync(name));
writeFileSync(`${OUT}/SOURCES.sha256`, `${digest.digest('hex')}\n`);
