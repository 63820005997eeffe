// Electron IPC, generated from the contract: one `handle` per method, nothing else. Kept pure
// (it takes an ipcMain-like object) so tests can check it without Electron. Every call is
// refused unless it comes from the app's own top-level frame; input is validated by the
// dispatcher against the method's schema.
import { ContractError } from '../contract/errors.js';
import { ipcChannels, methodNames, type EventName, type EventPayload } from '../contract/index.js';
import type { CallContext, Dispatcher } from './contract-server.js';

export interface FrameLike {
  url: string;
  /** null for a window's top-level frame. */
  parent: FrameLike | null;
}

export interface WebContentsLike {
  id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): void;
}

export interface IpcInvokeEventLike {
  sender: WebContentsLike;
  senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface IpcRegistrationOptions {
  dispatcher: Dispatcher;
  /** True only for the app's own renderer URL (file:// in dist/renderer, or the dev server). */
  isTrustedUrl(url: string): boolean;
  attach?: (ctx: CallContext) => () => void;
}

export type IpcResult = { ok: true; output: unknown } | { ok: false; error: ReturnType<ContractError['toShape']> };

export function registerIpc(ipcMain: IpcMainLike, options: IpcRegistrationOptions): () => void {
  // One caller context per window, so events and tails follow the window's life.
  const contexts = new Map<number, CallContext>();
  const contextFor = (sender: WebContentsLike): CallContext => {
    let ctx = contexts.get(sender.id);
    if (ctx) return ctx;
    const cleanups: Array<() => void> = [];
    const created: CallContext = {
      callerId: `ipc:${sender.id}`,
      emit<E extends EventName>(event: E, payload: EventPayload<E>) {
        if (!sender.isDestroyed()) sender.send(ipcChannels.event, { event, payload });
      },
      onClose: (fn) => cleanups.push(fn),
    };
    contexts.set(sender.id, created);
    if (options.attach) cleanups.push(options.attach(created));
    sender.once('destroyed', () => {
      contexts.delete(sender.id);
      for (const fn of cleanups.splice(0)) fn();
    });
    ctx = created;
    return ctx;
  };

  for (const method of methodNames) {
    ipcMain.handle(ipcChannels.call(method), async (event, input): Promise<IpcResult> => {
      const frame = event.senderFrame;
      // Subframes and foreign pages (an iframe, a navigation that slipped through) get nothing.
      if (!frame || frame.parent !== null || !options.isTrustedUrl(frame.url)) {
        return { ok: false, error: new ContractError('FORBIDDEN', 'Calls are accepted only from the Keel window').toShape() };
      }
      return options.dispatcher.dispatch(method, input, contextFor(event.sender));
    });
  }
  return () => {
    for (const method of methodNames) ipcMain.removeHandler(ipcChannels.call(method));
  };
}
