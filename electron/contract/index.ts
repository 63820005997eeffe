// THE seam between the UI and the main process. Both shells (Electron IPC and web mode) are
// generated from these two tables, so a method exists on both or on neither.
import type { z } from 'zod';
import { appMethods } from './app.js';
import { clusterMethods } from './clusters.js';
import { groupMethods } from './groups.js';
import { messageEvents, messageMethods } from './messages.js';
import { metricsMethods } from './metrics.js';
import { sandboxEvents, sandboxMethods } from './sandbox.js';
import { topicMethods } from './topics.js';

export const methods = {
  ...appMethods,
  ...clusterMethods,
  ...topicMethods,
  ...groupMethods,
  ...messageMethods,
  ...sandboxMethods,
  ...metricsMethods,
} as const;

export const events = {
  ...messageEvents,
  ...sandboxEvents,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type EventName = keyof typeof events;
/** What a caller passes: defaults may be omitted. */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a service receives after validation: defaults filled in. */
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

/** The typed API the renderer uses, whichever shell carries it. */
export interface KeelApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Electron IPC channel names, shared by preload and main. */
export const ipcChannels = {
  call: (method: MethodName) => `keel:call:${method}`,
  event: 'keel:event',
} as const;

export * from './errors.js';
export * from './app.js';
export * from './clusters.js';
export * from './topics.js';
export * from './groups.js';
export * from './messages.js';
export * from './sandbox.js';
export * from './metrics.js';
export * from './common.js';
