// Whole size-prefixed frames, for the broker's response path and for tests and
// tools that talk to a broker without a client library.
import { decodeResponseBody, encodeRequestBody, encodeResponseBody } from './codec.js';
import { decodeResponseHeader, encodeRequestHeader, encodeResponseHeader, responseHeaderVersion } from './headers.js';
import { Reader } from './primitives.js';
import { Writer } from './writer.js';

function sizePrefix(size: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(size, 0);
  return b;
}

export function encodeRequestFrame(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  body: object,
): Buffer {
  const w = new Writer();
  encodeRequestHeader(w, { apiKey, apiVersion, correlationId, clientId });
  encodeRequestBody(apiKey, apiVersion, body, w);
  return Buffer.concat([sizePrefix(w.length), ...w.toBuffers()]);
}

/** Chunks ready for socket.writev / cork+write; record data stays by reference. */
export function encodeResponseFrame(apiKey: number, apiVersion: number, correlationId: number, body: object): Buffer[] {
  const w = new Writer();
  encodeResponseHeader(w, correlationId, responseHeaderVersion(apiKey, apiVersion));
  encodeResponseBody(apiKey, apiVersion, body, w);
  return [sizePrefix(w.length), ...w.toBuffers()];
}

export function decodeResponseFrame<T = any>(
  apiKey: number,
  apiVersion: number,
  frameWithoutSizePrefix: Buffer,
): { correlationId: number; body: T } {
  const r = new Reader(frameWithoutSizePrefix);
  const { correlationId } = decodeResponseHeader(r, responseHeaderVersion(apiKey, apiVersion));
  const body = decodeResponseBody<T>(apiKey, apiVersion, r);
  return { correlationId, body };
}
