// One error view for the UI, whatever carried it: a ContractError from the web transport, a
// code-carrying Error from the preload, or anything else thrown.
import type { ErrorCode } from '../../electron/contract/index.js';

export interface UiError {
  code: ErrorCode | 'UNKNOWN';
  message: string;
  detail?: unknown;
}

export function toUiError(err: unknown): UiError {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; detail?: unknown };
    const message = typeof e.message === 'string' && e.message ? e.message : String(err);
    if (typeof e.code === 'string') return { code: e.code as ErrorCode, message, detail: e.detail };
    return { code: 'UNKNOWN', message };
  }
  return { code: 'UNKNOWN', message: String(err) };
}

const HINTS: Partial<Record<UiError['code'], string>> = {
  CONNECTION_FAILED: 'Check the bootstrap servers and that the cluster is reachable from this machine.',
  AUTH_FAILED: 'The cluster refused the credentials. Check the SASL mechanism, user name and password.',
  TLS_ERROR: 'The TLS handshake failed. Check the CA certificate, client certificate and whether the port expects TLS.',
  TIMEOUT: 'The cluster did not answer in time. It may be overloaded or unreachable.',
  GROUP_NOT_EMPTY: 'Stop every consumer in the group first: Kafka only accepts offset changes while a group has no members.',
  SANDBOX_UNAVAILABLE: 'The built-in sandbox cluster is not running.',
  FILTER_ERROR: 'The filter expression failed. Fix it and run the search again.',
  CLUSTER_NOT_FOUND: 'This cluster is no longer configured.',
};

export function errorHint(code: UiError['code']): string | undefined {
  return HINTS[code];
}
