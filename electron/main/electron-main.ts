// The Electron entry. Electron is loaded dynamically so nothing the tests import needs it.
// Hardening: context isolation, sandbox, no node integration, a strict CSP served with the
// renderer from a private app:// scheme, navigation and new windows blocked, permissions
// denied, a single instance, and IPC limited to the contract (see ipc-registration.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { safeStorageCipher, userFileCipher } from '../services/settings-store.js';
import { startAppServices, type AppServices } from './app-services.js';
import { registerIpc } from './ipc-registration.js';
import { APP_ORIGIN, CSP, isTrustedRendererUrl } from './electron-main-trust.js';
import { loadWindowState, saveWindowState, visibleOn } from './window-state.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.KEEL_ROOT ?? path.resolve(here, '../..');
const RENDERER_DIR = path.join(ROOT, 'dist/renderer');
const PRELOAD = path.join(ROOT, 'dist/preload/preload.cjs');

async function main(): Promise<void> {
  const electron: any = await import('electron' as string);
  const { app, BrowserWindow, ipcMain, protocol, session, safeStorage, screen, shell } = electron.default ?? electron;

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

  let win: any = null;
  let services: AppServices | null = null;
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  // Every webContents, including any a bug might create, gets the same lockdown.
  app.on('web-contents-created', (_e: unknown, contents: any) => {
    contents.on('will-navigate', (e: any, url: string) => {
      if (!isTrustedRendererUrl(url)) e.preventDefault();
    });
    contents.on('will-redirect', (e: any) => e.preventDefault());
    contents.on('will-attach-webview', (e: any) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }: { url: string }) => {
      // Links to docs open in the user's browser, never in a Keel window.
      if (/^https:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_wc: unknown, _perm: string, cb: (ok: boolean) => void) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  protocol.handle('app', async (request: Request) => {
    const url = new URL(request.url);
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(RENDERER_DIR, rel);
    const headers = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' };
    if (url.host !== 'keel' || !file.startsWith(RENDERER_DIR + path.sep)) return new Response('Not found', { status: 404, headers });
    const target = fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(RENDERER_DIR, 'index.html');
    if (!fs.existsSync(target)) {
      return new Response('<!doctype html><p>The Keel renderer is not built (dist/renderer is missing).</p>', {
        headers: { ...headers, 'content-type': 'text/html' },
      });
    }
    const type = target.endsWith('.html') ? 'text/html' : target.endsWith('.js') ? 'text/javascript' : target.endsWith('.css') ? 'text/css' : 'application/octet-stream';
    return new Response(fs.readFileSync(target), { headers: { ...headers, 'content-type': type } });
  });

  const userData = app.getPath('userData');
  const cipher = safeStorage.isEncryptionAvailable() ? safeStorageCipher(safeStorage) : userFileCipher;
  services = await startAppServices({ userDataDir: userData, cipher, shell: 'electron', version: app.getVersion() });
  registerIpc(ipcMain, { dispatcher: services.dispatcher, isTrustedUrl: isTrustedRendererUrl, attach: services.attach });

  const state = visibleOn(loadWindowState(userData), screen.getAllDisplays().map((d: any) => d.workArea));
  win = new BrowserWindow({
    ...state,
    show: false,
    title: 'Keel',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    const b = win.getNormalBounds();
    saveWindowState(userData, { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() });
  });
  win.on('closed', () => (win = null));
  await win.loadURL(`${APP_ORIGIN}/index.html`);

  app.on('window-all-closed', () => app.quit());
  // Stop the sandbox cleanly (logs flushed) before the process exits.
  let quitting = false;
  app.on('before-quit', (e: any) => {
    if (quitting || !services) return;
    e.preventDefault();
    quitting = true;
    void services.close().finally(() => app.exit(0));
  });
}

main().catch((err) => {
  console.error('Keel failed to start:', err);
  process.exit(1);
});
