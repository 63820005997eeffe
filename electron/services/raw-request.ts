// Requests kafkajs 2.2.4 does not implement (DescribeLogDirs, batched FindCoordinator and
// OffsetFetch), or implements too slowly (Fetch), sent through kafkajs' own connection to a
// broker, so TLS/SASL, correlation ids and timeouts are the cluster's. We hand kafkajs the
// request body and get the response body back (after the correlation id).
//
// kafkajs always frames request header v1 and strips only the correlation id from a response.
// A flexible version (KIP-482) has one more thing on each side: an empty tagged-field
// section after the client id (request header v2), and one after the correlation id
// (response header v1). `flexible: true` adds the first to the body and skips the second.

import { WireReader } from './wire-codec.js';

/** The slice of kafkajs' Broker used here: its negotiated versions and its connection pool. */
export interface BrokerWithPool {
  versions?: Record<string, { minVersion: number; maxVersion: number }> | null;
  connectionPool: {
    send(args: {
      request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<{ buf: Buffer; buffer: Buffer }> };
      response: { decode(payload: Buffer): Promise<unknown>; parse(decoded: unknown): Promise<unknown> };
      requestTimeout?: number;
    }): Promise<unknown>;
  };
}

/** The first of `candidates` the broker offers for this API, or null. */
export function offeredVersion(broker: unknown, apiKey: number, candidates: number[]): number | null {
  const b = broker as Partial<BrokerWithPool> | null;
  const v = b?.versions?.[String(apiKey)];
  if (!v || typeof b?.connectionPool?.send !== 'function') return null;
  for (const c of candidates) if (c >= v.minVersion && c <= v.maxVersion) return c;
  return null;
}

/** Where the body starts after a response header v1's tagged fields. */
function afterHeaderTags(payload: Buffer, what: string): number {
  const r = new WireReader(payload, what);
  r.skipTags();
  return r.at;
}

export async function sendRawRequest<T>(
  broker: unknown,
  req: {
    apiKey: number;
    apiName: string;
    version: number;
    body: Buffer;
    flexible?: boolean;
    decode(body: Buffer): T | Promise<T>;
    requestTimeoutMs?: number;
  },
): Promise<T> {
  const b = broker as BrokerWithPool;
  const body = req.flexible ? Buffer.concat([Buffer.from([0]), req.body]) : req.body;
  const res = await b.connectionPool.send({
    // kafkajs' framing wants something shaped like its Encoder: `buf` checked, `buffer` written.
    request: { apiKey: req.apiKey, apiVersion: req.version, apiName: req.apiName, encode: async () => ({ buf: body, buffer: body }) },
    response: {
      decode: async (payload) => req.decode(req.flexible ? payload.subarray(afterHeaderTags(payload, req.apiName)) : payload),
      parse: async (d) => d,
    },
    ...(req.requestTimeoutMs !== undefined ? { requestTimeout: req.requestTimeoutMs } : {}),
  });
  return res as T;
}
