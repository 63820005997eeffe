// `npm run build` (before the renderer's vite build): the production bundles of everything that
// runs in Node — Electron main and preload, the sandbox broker (loaded by the app at run time,
// so it stays its own file), web mode and the keel CLI. npm packages stay external: the
// packaged app ships them in node_modules (native ones unpacked from the asar).
// build/electron-builder.json packs these outputs (its schema allows no comments): main is
// dist/electron/electron-main.mjs, which finds the renderer in dist/renderer and the broker in
// dist/broker relative to itself, so the installed app needs no source tree.
import { build, type BuildOptions } from 'esbuild';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning', sourcemap: 'linked' };

export const BUNDLES: Array<{ entry: string; out: string; format: 'esm' | 'cjs'; external?: string[] }> = [
  { entry: 'electron/main/electron-main.ts', out: 'dist/electron/electron-main.mjs', format: 'esm' },
  { entry: 'electron/preload/preload.ts', out: 'dist/preload/preload.cjs', format: 'cjs', external: ['electron'] },
  { entry: 'embedded-broker/index.ts', out: 'dist/broker/index.mjs', format: 'esm' },
  // The sandbox's worker thread; it loads ./index.mjs beside it (see electron/main/sandbox-host.ts).
  { entry: 'electron/main/sandbox-worker-main.ts', out: 'dist/broker/sandbox-worker.mjs', format: 'esm' },
  { entry: 'electron/main/web-serve-cli.ts', out: 'dist/web/web-serve.mjs', format: 'esm' },
  { entry: 'electron/cli/keel-cli.ts', out: 'dist/cli/keel-cli.mjs', format: 'esm' },
];

/** `outRoot` lets tests build into a temp folder instead of the dist/ other processes may be serving. */
export async function bundleApp(outRoot = root): Promise<void> {
  await Promise.all(
    BUNDLES.map((b) =>
      build({ ...common, entryPoints: [path.join(root, b.entry)], outfile: path.join(outRoot, b.out), format: b.format, external: b.external ?? [] }),
    ),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  await bundleApp();
  process.stdout.write(`bundled: ${BUNDLES.map((b) => b.out).join(', ')}\n`);
}
