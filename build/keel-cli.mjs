#!/usr/bin/env node
// The `keel` bin (package.json "bin"): runs the command-line companion. In a source checkout it
// runs electron/cli/keel-cli.ts through tsx, so it is never stale; where only the build output
// exists (or KEEL_CLI_BUNDLE=1) it runs dist/cli/keel-cli.mjs from `npm run build`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'electron/cli/keel-cli.ts');
const bundle = path.join(root, 'dist/cli/keel-cli.mjs');

function tsxLoader() {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return null;
  }
}

const loader = process.env.KEEL_CLI_BUNDLE === '1' ? null : fs.existsSync(source) ? tsxLoader() : null;
if (loader) {
  const child = spawn(process.execPath, ['--import', loader, source, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Pass signals on (a Ctrl-C reaches both of us; the child's handlers are idempotent).
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
} else if (fs.existsSync(bundle)) {
  const cli = await import(pathToFileURL(bundle).href);
  cli.main();
} else {
  process.stderr.write('keel: neither the source (electron/cli) with tsx nor the bundle (dist/cli/keel-cli.mjs) is available; run `npm run build`.\n');
  process.exit(1);
}
