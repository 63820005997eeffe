// Requests kafkajs 2.2.4 does not implement (DescribeLogDirs, batched FindCoordinator and
// OffsetFetch), or implements too slowly (Fetch), sent through kafkajs' own connection to a
// broker, so TLS/SASL, correlation ids and timeouts are the cluster's. We hand kafkajs the
// request body and get the response body back (after the correlation id). Bodies are encoded
// and decoded by the schema-generated codec the embedded broker speaks (sendRequest), or by a
// caller's own codec where speed matters (fetch-codec.ts).
//
// kafkajs always frames request header v1 and strips only the correlation id from a response.
// A flexible version (KIP-482) has one more thing on each side: an empty tagged-field
// section after the client id (request header v2), and one after the correlation id
// (response header v1); both are added and skipped here.
import { decodeResponseBody, encodeRequestBody, Reader, Writer } from '../../embedded-broker/protocol/codec.js';
import { requestHeaderVersion, responseHeaderVersion, skipTaggedFields } from '../../embedded-broker/protocol/headers.js';

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

interface RequestTarget {
  apiKey: number;
  apiName: string;
  version: number;
  requestTimeoutMs?: number;
}

/** Sends an encoded request body; `decode` gets the response body. */
export async function sendRawRequest<T>(broker: unknown, req: RequestTarget & { body: Buffer; decode(body: Buffer): T | Promise<T> }): Promise<T> {
  const b = broker as BrokerWithPool;
  const body = requestHeaderVersion(req.apiKey, req.version) === 2 ? Buffer.concat([Buffer.from([0]), req.body]) : req.body;
  const tagged = responseHeaderVersion(req.apiKey, req.version) === 1;
  const res = await b.connectionPool.send({
    // kafkajs' framing wants something shaped like its Encoder: `buf` checked, `buffer` written.
    request: { apiKey: req.apiKey, apiVersion: req.version, apiName: req.apiName, encode: async () => ({ buf: body, buffer: body }) },
    response: {
      decode: async (payload) => {
        if (!tagged) return req.decode(payload);
        const r = new Reader(payload);
        skipTaggedFields(r);
        return req.decode(payload.subarray(r.position));
      },
      parse: async (d) => d,
    },
    ...(req.requestTimeoutMs !== undefined ? { requestTimeout: req.requestTimeoutMs } : {}),
  });
  return res as T;
}

/** Sends `body` as the schema's request for this API and version; the response is decoded the same way (a truncated one throws). */
export function sendRequest<T>(broker: unknown, req: RequestTarget & { body: object }): Promise<T> {
  const w = new Writer();
  encodeRequestBody(req.apiKey, req.version, req.body, w);
  return sendRawRequest(broker, { ...req, body: w.toBuffer(), decode: (buf) => decodeResponseBody<T>(req.apiKey, req.version, new Reader(buf)) });
}
