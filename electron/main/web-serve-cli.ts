// `npm run serve`: web mode. The same services as the desktop app, reached from a browser at
// the printed URL (127.0.0.1 only, with an access token).
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { userFileCipher } from '../services/settings-store.js';
import { startAppServices } from './app-services.js';
import { startWebServer } from './web-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export async function serveWebMode(reason?: string): Promise<void> {
  const userDataDir = arg('data') ?? process.env.KEEL_DATA_DIR ?? path.join(os.homedir(), '.keel');
  const port = Number(arg('port') ?? process.env.KEEL_PORT ?? 0);
  if (reason) process.stdout.write(`${reason}\n`);
  // --metrics-port N: also serve Prometheus text on its own loopback port, without the token.
  const metricsPort = arg('metrics-port');
  const services = await startAppServices({
    userDataDir,
    cipher: userFileCipher,
    shell: 'web',
    version: process.env.npm_package_version ?? '0.1.0',
    ...(metricsPort !== undefined ? { metrics: { prometheusEnabled: true, prometheusPort: Number(metricsPort) } } : {}),
  });
  const server = await startWebServer({
    dispatcher: services.dispatcher,
    attach: services.attach,
    port,
    rendererDir: path.join(root, 'dist/renderer'),
    metrics: () => services.metrics.scrape(),
  });
  const sb = services.sandboxStatus();
  process.stdout.write(
    [
      'Keel web mode',
      `  Open: ${server.openUrl}`,
      sb.running ? `  Sandbox cluster: ${sb.bootstrap.join(',')} (data in ${sb.dataDir})` : `  Sandbox cluster: not running — ${sb.error}`,
      `  Prometheus: ${server.url}/metrics (Authorization: Bearer <token>)${services.metrics.status().prometheus.url ? `, and without token at ${services.metrics.status().prometheus.url}` : ''}`,
      `  Warning: web mode keeps cluster secrets unencrypted in ${services.store.secretsPath}, readable only by you.`,
      '  Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await services.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  serveWebMode().catch((err) => {
    console.error('Keel web mode failed to start:', err);
    process.exit(1);
  });
}
