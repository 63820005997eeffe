// The typed bridge: the Electron preload's `window.keel` when present, otherwise the web-mode
// transport over WebSocket. The access token comes from the URL the server printed; after
// the first load the server's HttpOnly cookie carries it, so a reload without it still works.
import { createWebTransport } from '../../electron/contract/web-transport.js';
import type { KeelApi } from '../../electron/contract/index.js';

declare global {
  interface Window {
    keel?: KeelApi;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Bridge {
  api: KeelApi;
  shell: 'electron' | 'web';
  /** Resolves once the transport can carry calls (immediately for Electron). */
  ready: Promise<void>;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

export function tokenFromLocation(loc: Pick<Location, 'search' | 'hash'>): string {
  const fromSearch = new URLSearchParams(loc.search).get('token');
  if (fromSearch) return fromSearch;
  const q = loc.hash.indexOf('?');
  return q >= 0 ? (new URLSearchParams(loc.hash.slice(q + 1)).get('token') ?? '') : '';
}

export function createBridge(win: Window = window): Bridge {
  if (win.keel) {
    return { api: win.keel, shell: 'electron', ready: Promise.resolve(), onConnectionChange: () => () => undefined };
  }
  const token = tokenFromLocation(win.location);
  const transport = createWebTransport(win.location.origin, token);
  const listeners = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  const set = (s: ConnectionState) => {
    state = s;
    for (const l of listeners) l(s);
  };
  transport.ready.then(
    () => set('open'),
    () => set('closed'),
  );
  // A call failing with CONNECTION_FAILED after the socket closed is the signal we get.
  const api: KeelApi = {
    async call(method, input) {
      try {
        return await transport.call(method, input);
      } catch (err) {
        if ((err as { code?: string }).code === 'CONNECTION_FAILED' && state !== 'closed') set('closed');
        throw err;
      }
    },
    on: (event, listener) => transport.on(event, listener),
  };
  return {
    api,
    shell: 'web',
    ready: transport.ready,
    onConnectionChange(listener) {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },
  };
}
