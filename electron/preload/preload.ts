// The preload exposes exactly the contract: a `call` for each method name in the table and an
// `on` for each event name, nothing else of Node or Electron. Bundled (esbuild) because a
// sandboxed preload cannot import modules. Results arrive as {ok, output | error}; errors are
// rethrown as ContractError-shaped objects so the renderer sees one error type in both shells.
import { eventNames, ipcChannels, isMethodName, type EventName } from '../contract/index.js';

// Electron is not a dependency on machines that cannot download its binary; the preload is
// bundled to CommonJS with `electron` external, so a plain require is what runs.
const { contextBridge, ipcRenderer } = require('electron') as {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, ...args: any[]) => void): void;
    removeListener(channel: string, listener: (event: unknown, ...args: any[]) => void): void;
  };
};

const knownEvents = new Set<string>(eventNames);

const api = {
  async call(method: string, input: unknown): Promise<unknown> {
    if (!isMethodName(method)) throw Object.assign(new Error(`Unknown method "${method}"`), { code: 'UNKNOWN_METHOD' });
    const result = (await ipcRenderer.invoke(ipcChannels.call(method), input)) as
      | { ok: true; output: unknown }
      | { ok: false; error: { code: string; message: string; detail?: unknown } };
    if (result.ok) return result.output;
    throw Object.assign(new Error(result.error.message), { name: 'ContractError', code: result.error.code, detail: result.error.detail });
  },
  on(event: EventName, listener: (payload: unknown) => void): () => void {
    if (!knownEvents.has(event)) throw new Error(`Unknown event "${event}"`);
    const wrapped = (_e: unknown, msg: { event: string; payload: unknown }) => {
      if (msg?.event === event) listener(msg.payload);
    };
    ipcRenderer.on(ipcChannels.event, wrapped);
    return () => void ipcRenderer.removeListener(ipcChannels.event, wrapped);
  },
};

contextBridge.exposeInMainWorld('keel', api);
