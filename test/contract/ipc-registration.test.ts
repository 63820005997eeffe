// Electron IPC without Electron: a fake ipcMain and fake sender frames prove that every
// contract method is registered, every input is validated before a handler runs, and calls
// from frames other than the app's own top-level page are refused.
import { describe, expect, it } from 'vitest';
import { ipcChannels, methodNames, type MethodName } from '../../electron/contract/index.js';
import { createDispatcher, type Handlers } from '../../electron/main/contract-server.js';
import { isTrustedRendererUrl } from '../../electron/main/electron-main-trust.js';
import { registerIpc, type FrameLike, type IpcInvokeEventLike, type IpcMainLike, type IpcResult, type WebContentsLike } from '../../electron/main/ipc-registration.js';

type Listener = (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipc: IpcMainLike = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };
  return { ipc, handlers };
}

function fakeSender(id = 1) {
  const sent: Array<{ channel: string; args: unknown[] }> = [];
  let destroyed: (() => void) | null = null;
  const sender: WebContentsLike = {
    id,
    send: (channel, ...args) => void sent.push({ channel, args }),
    isDestroyed: () => false,
    once: (_e, l) => void (destroyed = l),
  };
  return { sender, sent, destroy: () => destroyed?.() };
}

const appFrame: FrameLike = { url: 'app://keel/index.html', parent: null };

// Handlers that record what reached them: this checks the shell, not the services.
function recordingHandlers(calls: string[]): Handlers {
  return new Proxy({} as Handlers, {
    get: (_t, name: string) => async (input: unknown, ctx: { emit: (e: string, p: unknown) => void }) => {
      calls.push(name);
      if (name === 'sandbox.status') ctx.emit('sandbox.changed', { running: false, clusterId: null, bootstrap: [], dataDir: null, brokers: [], error: 'test' } as never);
      return { __echo: input };
    },
  });
}

describe('IPC registration', () => {
  it('registers exactly one handler per contract method and nothing else', () => {
    const { ipc, handlers } = fakeIpcMain();
    registerIpc(ipc, { dispatcher: createDispatcher(recordingHandlers([])), isTrustedUrl: isTrustedRendererUrl });
    expect([...handlers.keys()].sort()).toEqual(methodNames.map((m) => ipcChannels.call(m)).sort());
    expect(methodNames.length).toBeGreaterThan(25);
  });

  it('validates the input of every method before its handler runs', async () => {
    const { ipc, handlers } = fakeIpcMain();
    const calls: string[] = [];
    registerIpc(ipc, { dispatcher: createDispatcher(recordingHandlers(calls)), isTrustedUrl: isTrustedRendererUrl });
    const { sender } = fakeSender();
    for (const method of methodNames) {
      for (const bad of [42, 'x', [1, 2], { clusterId: 7, topic: {}, groupId: 3, nodeId: 'one', subscriptionId: 5, name: 9 }]) {
        const res = (await handlers.get(ipcChannels.call(method))!({ sender, senderFrame: appFrame }, bad)) as IpcResult;
        expect(res.ok, `${method} accepted ${JSON.stringify(bad)}`).toBe(false);
        if (!res.ok) expect(res.error.code).toBe('INVALID_INPUT');
      }
    }
    expect(calls).toEqual([]);
  });

  it('passes valid input through and refuses calls from subframes and foreign pages', async () => {
    const { ipc, handlers } = fakeIpcMain();
    const calls: string[] = [];
    registerIpc(ipc, { dispatcher: createDispatcher(recordingHandlers(calls)), isTrustedUrl: isTrustedRendererUrl });
    const { sender } = fakeSender();
    const call = (method: MethodName, frame: FrameLike | null, input: unknown) =>
      handlers.get(ipcChannels.call(method))!({ sender, senderFrame: frame }, input) as Promise<IpcResult>;

    const good = await call('clusters.list', appFrame, {});
    // The recording handler's output breaks the output schema: the dispatcher must say so.
    expect(good).toMatchObject({ ok: false, error: { code: 'INVALID_OUTPUT' } });
    expect(calls).toEqual(['clusters.list']);

    const refused: Array<FrameLike | null> = [
      { url: 'app://keel/index.html', parent: appFrame },
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///etc/passwd', parent: null },
      { url: 'app://other/index.html', parent: null },
      null,
    ];
    for (const frame of refused) {
      const res = await call('clusters.list', frame, {});
      expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(calls).toEqual(['clusters.list']);
  });

  it('pushes events to the calling window only and unregisters cleanly', async () => {
    const { ipc, handlers } = fakeIpcMain();
    const unregister = registerIpc(ipc, { dispatcher: createDispatcher(recordingHandlers([])), isTrustedUrl: isTrustedRendererUrl });
    const a = fakeSender(1);
    const b = fakeSender(2);
    await handlers.get(ipcChannels.call('sandbox.status'))!({ sender: a.sender, senderFrame: appFrame }, {});
    expect(a.sent).toEqual([{ channel: ipcChannels.event, args: [{ event: 'sandbox.changed', payload: expect.objectContaining({ error: 'test' }) }] }]);
    expect(b.sent).toEqual([]);
    unregister();
    expect(handlers.size).toBe(0);
  });
});
