// Production build and installer configuration: the electron-builder config passes
// electron-builder's own schema validation and every file it references exists; the build
// steps behind `npm run build` (esbuild bundles + the renderer's vite build, here into a temp
// folder so a concurrently served dist/ is never emptied) produce bundles that run without the
// source tree and a renderer that web mode serves.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLES, bundleApp } from '../../build/bundle-app.js';
import { ICO_SIZES, PNG_SIZES } from '../../build/generate-icons.js';
import { createDispatcher } from '../../electron/main/contract-server.js';
import { startWebServer } from '../../electron/main/web-server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'build/electron-builder.json'), 'utf8')) as Record<string, any>;
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, any>;
let out: string;

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-build-'));
  // Like the packaged app: bundles plus node_modules, no TypeScript sources.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'), 'dir');
  await bundleApp(out);
  const vite = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'build/vite.renderer.config.ts', '--outDir', path.join(out, 'dist/renderer'), '--emptyOutDir', '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
  if (vite.status !== 0) throw new Error(`vite build failed: ${vite.stderr}`);
}, 120_000);
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('electron-builder configuration', () => {
  it("passes electron-builder's schema validation", async () => {
    const { validateConfiguration } = (await import('app-builder-lib/out/util/config/config.js' as string)) as { validateConfiguration(c: unknown, log: unknown): Promise<void> };
    const { DebugLogger } = (await import('builder-util' as string)) as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, linux: { ...config.linux, notAnOption: 1 } }, new DebugLogger(false))).rejects.toThrow(/configuration\.linux/);
  });

  it('targets AppImage/deb, dmg and nsis with icons generated from build/icon.svg', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    for (const f of [config.mac.icon, config.win.icon, config.nsis.installerIcon, config.nsis.uninstallerIcon, 'build/icon.svg']) {
      expect(fs.existsSync(path.join(ROOT, f)), f).toBe(true);
    }
    for (const size of PNG_SIZES) {
      const png = fs.readFileSync(path.join(ROOT, config.linux.icon, `${size}x${size}.png`));
      // PNG signature, then the IHDR width/height.
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
    const ico = fs.readFileSync(path.join(ROOT, config.win.icon));
    expect([ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([1, ICO_SIZES.length]);
  });

  it('packs exactly what the build produces, with native addons unpacked', () => {
    const entries = new Set(BUNDLES.map((b) => b.out));
    expect(entries).toContain(config.extraMetadata.main);
    for (const b of BUNDLES) expect(config.files.some((f: string) => b.out.startsWith(f.replace('/**/*', '/'))), b.out).toBe(true);
    expect(config.files).toContain('dist/renderer/**/*');
    expect(fs.existsSync(path.join(ROOT, pkg.bin.keel))).toBe(true);
    expect(config.files).toContain(pkg.bin.keel);
    for (const native of ['@node-rs/crc32', 'snappy', 'lz4-napi']) {
      expect(pkg.dependencies[native], native).toBeDefined();
      expect(config.asarUnpack.some((p: string) => p.includes(native)), native).toBe(true);
    }
    expect(config.directories.output.startsWith('dist/')).toBe(true);
    expect(pkg.scripts.dist).toContain('build/electron-builder.json');
  });
});

describe('production build', () => {
  it('bundles main, preload, broker, web mode and CLI that run without the source tree', async () => {
    for (const b of BUNDLES) expect(fs.existsSync(path.join(out, b.out)), b.out).toBe(true);
    const broker = (await import(pathToFileURL(path.join(out, 'dist/broker/index.mjs')).href)) as { startCluster?: unknown };
    expect(typeof broker.startCluster).toBe('function');
    // The bundled CLI in a folder with no TypeScript sources next to it.
    const cli = spawnSync(process.execPath, [path.join(out, 'dist/cli/keel-cli.mjs'), '--help'], { cwd: out, encoding: 'utf8' });
    expect(cli.stdout).toContain('Usage: keel <command>');
    const main = fs.readFileSync(path.join(out, 'dist/electron/electron-main.mjs'), 'utf8');
    expect(main).toContain('../broker/index.mjs');
    expect(main).not.toMatch(/from ["']\.\.?\/[^"']*\.ts["']/);
  });

  it('web mode serves the built renderer and its assets', async () => {
    const dir = path.join(out, 'dist/renderer');
    const server = await startWebServer({ dispatcher: createDispatcher({} as never), rendererDir: dir });
    try {
      const auth = { cookie: `keel_token=${server.token}` };
      const index = await fetch(`${server.url}/`, { headers: auth });
      expect(index.status).toBe(200);
      const html = await index.text();
      const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]!);
      expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
      for (const a of assets) {
        const res = await fetch(`${server.url}/${a}`, { headers: auth });
        expect(res.status, a).toBe(200);
        expect(res.headers.get('content-type')).toMatch(a.endsWith('.js') ? /javascript/ : /css/);
        expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
      }
    } finally {
      await server.close();
    }
  });
});
