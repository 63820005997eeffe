// End-to-end support: the real backend (app services with the embedded 3-broker sandbox on
// ephemeral ports, the web-mode server serving dist/renderer) and Debian's Chromium driven by
// playwright-core. The renderer is built first when dist/renderer is missing or older than
// its sources (a stale bundle would test yesterday's UI).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startAppServices, type AppServices } from '../../electron/main/app-services.js';
import { startWebServer, type WebServer } from '../../electron/main/web-server.js';
import { userFileCipher } from '../../electron/services/settings-store.js';
import { executableCheck, requirePeer } from '../helpers/peers.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIR = path.join(ROOT, 'dist/renderer');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
export const CHROMIUM = '/usr/bin/chromium';

export function chromiumAvailable() {
  return requirePeer('chromium', executableCheck(CHROMIUM, ['--version']));
}

/** Newest modification time of the files under `dir` (0 when there are none). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

export function ensureRendererBuilt(): void {
  const index = path.join(RENDERER_DIR, 'index.html');
  const sources = Math.max(newestMtime(path.join(ROOT, 'renderer')), newestMtime(path.join(ROOT, 'electron/contract')));
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources && process.env.KEEL_REBUILD_RENDERER !== '1') return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'build/vite.renderer.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`Renderer build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface Backend {
  dir: string;
  services: AppServices;
  server: WebServer;
  close(): Promise<void>;
}

export async function startBackend(): Promise<Backend> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-e2e-'));
  const services = await startAppServices({
    userDataDir: dir,
    cipher: userFileCipher,
    shell: 'web',
    version: 'e2e',
    sandbox: { enabled: true, brokers: 3, ports: 0, host: '127.0.0.1' },
    log: () => undefined,
  });
  const server = await startWebServer({ dispatcher: services.dispatcher, attach: services.attach, rendererDir: RENDERER_DIR });
  return {
    dir,
    services,
    server,
    async close() {
      await server.close();
      await services.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  dialogs: string[];
  pageErrors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<BrowserSession> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-chromium-'));
  // The temp profile is the persistent context's user-data dir (Playwright passes it to
  // Chromium as --user-data-dir itself).
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  // Any alert/confirm/prompt would mean message content ran as script.
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return {
    context,
    page,
    dialogs,
    pageErrors,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

export interface ConsoleSession {
  be: Backend;
  browser: BrowserSession;
  page: Page;
  close(): Promise<void>;
}

/** The built renderer served by a fresh backend (with its sandbox), open in Chromium at `hash` once the sandbox page is up. */
export async function openConsole(hash = ''): Promise<ConsoleSession> {
  ensureRendererBuilt();
  const be = await startBackend();
  const browser = await launchBrowser().catch(async (err) => {
    await be.close();
    throw err;
  });
  const page = browser.page;
  page.setDefaultTimeout(20_000);
  // The open URL carries the token; the hash route is taken after it.
  await page.goto(be.server.openUrl);
  if (hash) await page.goto(`${be.server.url}/#${hash}`);
  await page.getByRole('heading', { name: 'Sandbox', level: 1 }).waitFor();
  return {
    be,
    browser,
    page,
    async close() {
      await browser.close();
      await be.close();
    },
  };
}
