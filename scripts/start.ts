// `npm start`: opens the desktop app when Electron (package and binary) is available and the
// app is built; otherwise says exactly why and serves web mode instead.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary(): { path: string } | { reason: string } {
  let resolved: unknown;
  try {
    // The `electron` package's main export is the path of its downloaded binary.
    resolved = require('electron');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && /'electron'/.test((err as Error).message)) {
      return { reason: 'the `electron` package is not installed' };
    }
    // The package is there but its binary is not (installed offline or with ELECTRON_SKIP_BINARY_DOWNLOAD).
    return { reason: `the Electron binary is missing (${(err as Error).message})` };
  }
  if (typeof resolved !== 'string' || !fs.existsSync(resolved)) {
    return { reason: 'the Electron binary was never downloaded (no network access when it was installed)' };
  }
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && process.platform === 'linux') {
    return { reason: 'there is no display (DISPLAY / WAYLAND_DISPLAY are unset)' };
  }
  return { path: resolved };
}

const mainBundle = path.join(root, 'dist/electron/electron-main.mjs');
const found = electronBinary();
if ('path' in found && fs.existsSync(mainBundle)) {
  const child = spawn(found.path, [mainBundle], { stdio: 'inherit', env: { ...process.env, KEEL_ROOT: root } });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const reason = 'reason' in found ? found.reason : 'the Electron main bundle is not built (run `npm run build:electron`)';
  const { serveWebMode } = await import('../electron/main/web-serve-cli.js');
  await serveWebMode(`Keel cannot open the desktop window: ${reason}. Serving web mode instead.`);
}
