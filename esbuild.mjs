// Builds the extension (Node, CommonJS) and every webview (browser, IIFE).
// Usage: node esbuild.mjs [--production] [--watch]
// Each folder webview/<name>/ with a main.ts becomes dist/webview/<name>.js (+ .css when it imports CSS).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const root = path.dirname(new URL(import.meta.url).pathname);

const extension = {
  // digestWorker: the capture digest thread (SHA-256 + pcap framing), found beside extension.js.
  entryPoints: { extension: path.join(root, 'src/extension.ts'), digestWorker: path.join(root, 'src/pcap/digestWorker.ts') },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outdir: path.join(root, 'dist'),
  external: ['vscode'],
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
};

const simulator = {
  ...extension,
  entryPoints: { simulator: path.join(root, 'src/simulator/cli.ts') },
  external: [],
};

const webviewDir = path.join(root, 'webview');
const webviewEntries = Object.fromEntries(
  (fs.existsSync(webviewDir) ? fs.readdirSync(webviewDir) : [])
    .filter((name) => fs.existsSync(path.join(webviewDir, name, 'main.ts')))
    .map((name) => [name, path.join(webviewDir, name, 'main.ts')]),
);

const webviews = {
  entryPoints: webviewEntries,
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  outdir: path.join(root, 'dist/webview'),
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
  metafile: true,
};

const configs = [extension, ...(fs.existsSync(simulator.entryPoints.simulator) ? [simulator] : []), ...(Object.keys(webviewEntries).length ? [webviews] : [])];

if (watch) {
  for (const config of configs) {
    const ctx = await esbuild.context(config);
    await ctx.watch();
  }
  console.log('[esbuild] watching…');
} else {
  const started = Date.now();
  const results = await Promise.all(configs.map((config) => esbuild.build(config)));
  const outputs = results.flatMap((r) => Object.entries(r.metafile.outputs))
    .filter(([file]) => !file.endsWith('.map'))
    .map(([file, info]) => `${path.relative(root, file)} ${(info.bytes / 1024).toFixed(0)} KiB`);
  console.log(`[esbuild] ${production ? 'production' : 'development'} build in ${Date.now() - started} ms: ${outputs.join(', ')}`);
}
