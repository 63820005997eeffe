// Finds the embedded broker's startCluster at run time. Kept out of the static import graph:
// the app (and its tests) must load even when the broker module is missing or broken, and then
// report the sandbox as unavailable. The production build ships the broker as its own bundle
// (dist/broker/index.mjs, see build/bundle-app.ts) beside the app's bundles and the sandbox
// worker; from source the TypeScript module is used.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClusterHandle, StartClusterOptions } from '../../embedded-broker/public-types.js';

const BROKER_MODULES = ['../broker/index.mjs', './index.mjs', '../../embedded-broker/index.js'];

export type StartCluster = (options: StartClusterOptions) => Promise<ClusterHandle>;

export async function loadStartCluster(): Promise<StartCluster> {
  const candidates = [process.env.KEEL_BROKER_MODULE, ...BROKER_MODULES.map((m) => new URL(m, import.meta.url).href)].filter((m): m is string => !!m);
  let lastError: unknown = null;
  for (const spec of candidates) {
    if (spec.startsWith('file:') && !fs.existsSync(fileURLToPath(spec)) && !fs.existsSync(fileURLToPath(spec).replace(/\.js$/, '.ts'))) continue;
    try {
      const mod = (await import(spec)) as { startCluster?: StartCluster };
      if (typeof mod.startCluster !== 'function') throw new Error(`${spec} does not export startCluster`);
      return mod.startCluster;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError instanceof Error ? lastError : new Error('The embedded broker module was not found');
}
