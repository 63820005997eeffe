// Maps whatever kafkajs (or the network under it) throws to the contract's stable error shape.
// The UI shows one sentence; the detail keeps the original names for debugging.
import { ContractError } from '../contract/errors.js';

function chain(err: unknown): Array<{ name?: string; message?: string; code?: string; type?: string }> {
  const out: Array<{ name?: string; message?: string; code?: string; type?: string }> = [];
  let cur: any = err;
  for (let i = 0; cur && i < 6; i++) {
    out.push(cur);
    cur = cur.originalError ?? cur.cause ?? (Array.isArray(cur.errors) ? cur.errors[0] : undefined);
  }
  return out;
}

// OpenSSL's wording is precise but cryptic: say what the user should change.
const TLS_HINTS: Array<[RegExp, string]> = [
  [/certificate required|alert number 116|handshake failure.*alert number 40/i, 'the cluster requires a client certificate (mTLS); add a client certificate and key'],
  [/self[- ]signed|unable to (verify|get local issuer)|certificate has expired|CERT_/i, "the broker's certificate is not trusted; add the CA certificate that signed it (or skip verification for a test cluster)"],
  [/Hostname\/IP does not match|altnames/i, "the broker's certificate does not name the host you connect to"],
  [/wrong version number|disconnected before secure TLS|packet length too long|unknown protocol/i, 'the listener does not speak TLS; turn TLS off or use the TLS port'],
];

const TLS_PATTERN = /ssl|tls|certificate|self[- ]signed|wrong version number|handshake|EPROTO|unable to verify|CERT_/i;

export function toContractError(err: unknown, what = 'Kafka request'): ContractError {
  if (err instanceof ContractError) return err;
  // kafkajs wraps per-topic failures in an aggregate: the first inner error says what happened.
  const inner = (err as { name?: string; errors?: unknown[] })?.name === 'KafkaJSAggregateError' ? (err as { errors?: unknown[] }).errors?.[0] : undefined;
  if (inner) {
    const e = toContractError(inner, what);
    return new ContractError(e.code, e.message, { ...(e.detail as object), aggregate: (err as Error).message });
  }
  const links = chain(err);
  const text = links.map((l) => `${l.name ?? ''} ${l.code ?? ''} ${l.type ?? ''} ${l.message ?? ''}`).join(' | ');
  const first = links[0] ?? {};
  const detail = { name: first.name, type: first.type, message: first.message };

  if (links.some((l) => l.name === 'KafkaJSSASLAuthenticationError') || /SASL|authenticat/i.test(text)) {
    return new ContractError('AUTH_FAILED', `Authentication failed: ${first.message ?? 'rejected by the broker'}`, detail);
  }
  if (TLS_PATTERN.test(text)) {
    const hint = TLS_HINTS.find(([re]) => re.test(text))?.[1];
    const raw = (first.message ?? text).replace(/\s+$/, '');
    return new ContractError('TLS_ERROR', hint ? `TLS handshake failed: ${hint} (${raw})` : `TLS handshake failed: ${raw}`, detail);
  }
  if (links.some((l) => l.name === 'KafkaJSRequestTimeoutError' || l.name === 'KafkaJSConnectionTimeout') || /timed? ?out|ETIMEDOUT/i.test(text)) {
    return new ContractError('TIMEOUT', `${what} timed out: ${first.message ?? ''}`.trim(), detail);
  }
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EAI_AGAIN|Connection error|KafkaJSConnectionError|not connected|closed/i.test(text)) {
    return new ContractError('CONNECTION_FAILED', `Cannot connect to the cluster: ${first.message ?? text}`, detail);
  }
  if (first.type === 'UNKNOWN_TOPIC_OR_PARTITION' || first.type === 'GROUP_ID_NOT_FOUND') {
    return new ContractError('NOT_FOUND', first.message ?? 'Not found', detail);
  }
  if (first.type === 'TOPIC_ALREADY_EXISTS') return new ContractError('ALREADY_EXISTS', first.message ?? 'Already exists', detail);
  if (first.type === 'NON_EMPTY_GROUP') return new ContractError('GROUP_NOT_EMPTY', first.message ?? 'The group has members', detail);
  if (first.name?.startsWith('KafkaJS')) {
    return new ContractError('KAFKA_ERROR', first.message ?? `${what} failed`, detail);
  }
  return new ContractError('INTERNAL', first.message ?? String(err), detail);
}

/** Rejects with TIMEOUT after `ms`: the outer guard for listeners that accept and never answer. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ContractError('TIMEOUT', `${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
