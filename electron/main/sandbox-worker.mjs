// Worker entry when Keel runs from source (npm run serve, tests). Loading the broker's ~100
// TypeScript modules one by one through a loader is slow in a fresh thread, so the broker is
// bundled with esbuild (a dev dependency, like tsx) into node_modules/.cache/keel and loaded
// from there; the few console files of the worker itself go through tsx. The Electron/web build
// bundles sandbox-worker-main.ts to dist/broker/sandbox-worker.mjs instead, found by the same
// relative URL from the app's bundles.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

const here = path.dirname(fileURLToPath(import.meta.url));
if (!process.env.KEEL_BROKER_MODULE) {
  try {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [path.resolve(here, '../../embedded-broker/index.ts')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    // Inside node_modules/.cache, so the bundle's package imports (and its createRequire)
    // resolve from the source tree's node_modules; named by content, so runs share it.
    const dir = path.resolve(here, '../../node_modules/.cache/keel');
    const file = path.join(dir, `broker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.${threadId}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, file);
    }
    process.env.KEEL_BROKER_MODULE = pathToFileURL(file).href;
  } catch {
    // No esbuild: broker-module.ts loads the TypeScript sources through tsx (slower, same result).
  }
}
register();
await import('./sandbox-worker-main.ts');
