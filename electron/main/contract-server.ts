// The transport-agnostic dispatcher behind both shells: validates input with the contract's
// zod schema, calls the service, validates the output, and turns any failure into the stable
// error shape. Web mode and Electron IPC differ only in how bytes reach `dispatch`.
import { z } from 'zod';
import { ContractError, type ContractErrorShape } from '../contract/errors.js';
import {
  events,
  isMethodName,
  methods,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
} from '../contract/index.js';
import { toContractError } from '../services/kafka-errors.js';

/** One caller (a WebSocket, a window): where pushed events go, and cleanup when it leaves. */
export interface CallContext {
  callerId: string;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  onClose(cleanup: () => void): void;
}

export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>, ctx: CallContext) => Promise<MethodOutput<M>>;
};

export type DispatchResult = { ok: true; output: unknown } | { ok: false; error: ContractErrorShape };

export interface Dispatcher {
  dispatch(method: string, input: unknown, ctx: CallContext): Promise<DispatchResult>;
}

export function createDispatcher(handlers: Handlers, log: (msg: string, err?: unknown) => void = () => undefined): Dispatcher {
  return {
    async dispatch(method, input, ctx) {
      if (!isMethodName(method)) {
        return { ok: false, error: new ContractError('UNKNOWN_METHOD', `Unknown method "${String(method)}"`).toShape() };
      }
      const def = methods[method];
      const parsed = def.input.safeParse(input ?? {});
      if (!parsed.success) {
        return {
          ok: false,
          error: new ContractError('INVALID_INPUT', `Invalid input for ${method}: ${z.prettifyError(parsed.error)}`, parsed.error.issues).toShape(),
        };
      }
      let output: unknown;
      try {
        const handler = handlers[method] as (i: unknown, c: CallContext) => Promise<unknown>;
        output = await handler(parsed.data, ctx);
      } catch (err) {
        const e = toContractError(err, method);
        if (e.code === 'INTERNAL') log(`${method} failed`, err);
        return { ok: false, error: e.toShape() };
      }
      const checked = def.output.safeParse(output);
      if (!checked.success) {
        // A service bug, not the caller's: say so instead of sending a shape the UI can't trust.
        log(`${method} returned output that breaks the contract`, checked.error);
        return {
          ok: false,
          error: new ContractError('INVALID_OUTPUT', `${method} produced an invalid result`, checked.error.issues).toShape(),
        };
      }
      return { ok: true, output: checked.data };
    },
  };
}

/** Validates a pushed event before it leaves, so events honour the contract like results do. */
export function checkEvent<E extends EventName>(event: E, payload: EventPayload<E>): EventPayload<E> {
  return events[event].parse(payload) as EventPayload<E>;
}
