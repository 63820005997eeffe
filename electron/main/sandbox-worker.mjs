// Worker entry when Keel runs from source (npm run serve, tests): teaches this thread
// TypeScript, then loads the real entry. The Electron build bundles sandbox-worker-main.ts
// to dist/electron/sandbox-worker.mjs instead, found by the same relative URL.
import { register } from 'tsx/esm/api';

register();
await import('./sandbox-worker-main.ts');
