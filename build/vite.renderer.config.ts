// Renderer bundle: root renderer/, output dist/renderer. Relative asset paths so the same
// build loads from the web-mode server (/) and from Electron's app:// scheme. No inline
// scripts, no eval: the production output satisfies the strict CSP of both shells.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default defineConfig({
  root: path.join(root, 'renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: path.join(root, 'dist/renderer'),
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    // Vite would inline small assets as data: URLs and a module-preload polyfill script;
    // neither is needed and both fight a strict CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
