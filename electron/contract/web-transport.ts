// The browser-safe client for web mode: one WebSocket carries calls, results and pushed
// events. Node callers (tests, CLIs) pass a WebSocket implementation, since Node 20 has none
// built in.
import { ContractError, contractErrorSchema } from './errors.js';
import type { EventName, EventPayload, KeelApi, MethodInput, MethodName, MethodOutput } from './index.js';

/** The minimal WebSocket surface we use, met by the browser's and by the `ws` package. */
export interface WebSocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (ev: any) => void): void;
}
export type WebSocketCtor = new (url: string) => WebSocketLike;

export type WireRequest = { t: 'call'; id: number; method: string; input: unknown };
export type WireMessage =
  | { t: 'result'; id: number; ok: true; output: unknown }
  | { t: 'result'; id: number; ok: false; error: unknown }
  | { t: 'event'; event: string; payload: unknown };

export interface WebTransport extends KeelApi {
  ready: Promise<void>;
  close(): void;
}

export function createWebTransport(baseUrl: string, token: string, WebSocketImpl?: WebSocketCtor): WebTransport {
  const Ctor: WebSocketCtor | undefined = WebSocketImpl ?? (globalThis as any).WebSocket;
  if (!Ctor) throw new Error('No WebSocket implementation available; pass one to createWebTransport');
  const wsUrl = new URL('/ws', baseUrl);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  wsUrl.searchParams.set('token', token);
  const socket = new Ctor(wsUrl.toString());

  let nextId = 1;
  let closedError: ContractError | null = null;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const ready = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () =>
      reject(new ContractError('CONNECTION_FAILED', `Cannot reach the Keel server at ${baseUrl}`)),
    );
  });
  // Callers that never await `ready` must not see an unhandled rejection.
  ready.catch(() => undefined);

  socket.addEventListener('close', () => {
    closedError = new ContractError('CONNECTION_FAILED', 'The connection to the Keel server closed');
    for (const p of pending.values()) p.reject(closedError);
    pending.clear();
  });

  socket.addEventListener('message', (ev: { data: unknown }) => {
    let msg: WireMessage;
    try {
      msg = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data)) as WireMessage;
    } catch {
      return;
    }
    if (msg.t === 'event') {
      for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
      return;
    }
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.output);
    else {
      const shape = contractErrorSchema.safeParse(msg.error);
      p.reject(
        shape.success
          ? ContractError.fromShape(shape.data)
          : new ContractError('INTERNAL', 'Malformed error from server', msg.error),
      );
    }
  });

  return {
    ready,
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      await ready;
      if (closedError) throw closedError;
      const id = nextId++;
      const request: WireRequest = { t: 'call', id, method, input: input ?? {} };
      return new Promise<MethodOutput<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        socket.send(JSON.stringify(request));
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => set!.delete(l);
    },
    close() {
      socket.close();
    },
  };
}
