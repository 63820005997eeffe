// Starts the whole console backend the way web mode does — embedded sandbox on ephemeral
// ports in a temp folder, web server on an ephemeral port — and a client speaking the same
// web transport the renderer uses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createWebTransport, type WebSocketCtor, type WebTransport } from '../../electron/contract/web-transport.js';
import { startAppServices, type AppServices, type AppServicesOptions } from '../../electron/main/app-services.js';
import { startWebServer, type WebServer } from '../../electron/main/web-server.js';
import { userFileCipher } from '../../electron/services/settings-store.js';

export interface Harness {
  dir: string;
  services: AppServices;
  server: WebServer;
  api: WebTransport;
  /** Another client on the same server (a second browser tab). */
  connect(): Promise<WebTransport>;
  close(): Promise<void>;
}

export async function startHarness(options: { sandbox?: boolean; brokers?: number; thread?: 'worker' | 'main'; metrics?: AppServicesOptions['metrics'] } = {}): Promise<Harness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-contract-'));
  const services = await startAppServices({
    userDataDir: dir,
    cipher: userFileCipher,
    shell: 'web',
    version: 'test',
    sandbox: { enabled: options.sandbox !== false, brokers: options.brokers ?? 3, ports: 0, host: '127.0.0.1', ...(options.thread ? { thread: options.thread } : {}) },
    ...(options.metrics ? { metrics: options.metrics } : {}),
    log: () => undefined,
  });
  const server = await startWebServer({ dispatcher: services.dispatcher, attach: services.attach, metrics: () => services.metrics.scrape() });
  const clients: WebTransport[] = [];
  const connect = async () => {
    const c = createWebTransport(server.url, server.token, WebSocket as unknown as WebSocketCtor);
    clients.push(c);
    await c.ready;
    return c;
  };
  const api = await connect();
  return {
    dir,
    services,
    server,
    api,
    connect,
    async close() {
      for (const c of clients) c.close();
      await server.close();
      await services.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
