// Request/response headers. Written by hand rather than generated because the
// header version depends on the body's api key and version, and a broker has to
// read headers of requests it cannot decode (to answer UNSUPPORTED_VERSION).
import { isFlexibleVersion } from './codec.js';
import { ProtocolDecodeError, type Reader } from './primitives.js';
import { type Writer } from './writer.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  headerVersion: 0 | 1 | 2;
}

const API_CONTROLLED_SHUTDOWN = 7;
const API_VERSIONS = 18;

export function requestHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 | 2 {
  if (isFlexibleVersion(apiKey, apiVersion)) return 2;
  if (apiKey === API_CONTROLLED_SHUTDOWN && apiVersion === 0) return 0;
  return 1;
}

/** ApiVersions always answers with header v0: the client cannot know yet whether the broker speaks flexible headers. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === API_VERSIONS) return 0;
  return isFlexibleVersion(apiKey, apiVersion) ? 1 : 0;
}

export function skipTaggedFields(reader: Reader): void {
  const count = reader.readUVarint();
  for (let i = 0; i < count; i++) {
    reader.readUVarint(); // tag: no header tags are meaningful to Keel
    const size = reader.readUVarint();
    if (size > reader.remaining) throw new ProtocolDecodeError(`header tagged field size ${size} exceeds remaining bytes`);
    reader.skip(size);
  }
}

export function decodeRequestHeader(reader: Reader): RequestHeader {
  const apiKey = reader.readInt16();
  const apiVersion = reader.readInt16();
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const correlationId = reader.readInt32();
  // The client id stays a classic int16-length string even in header v2, for compatibility.
  const clientId = headerVersion >= 1 ? reader.readNullableString() : null;
  if (headerVersion === 2) skipTaggedFields(reader);
  return { apiKey, apiVersion, correlationId, clientId, headerVersion };
}

export function encodeRequestHeader(
  writer: Writer,
  h: { apiKey: number; apiVersion: number; correlationId: number; clientId: string | null },
): void {
  const headerVersion = requestHeaderVersion(h.apiKey, h.apiVersion);
  writer.writeInt16(h.apiKey).writeInt16(h.apiVersion).writeInt32(h.correlationId);
  if (headerVersion >= 1) writer.writeNullableString(h.clientId);
  if (headerVersion === 2) writer.writeUVarint(0);
}

export function encodeResponseHeader(writer: Writer, correlationId: number, headerVersion: 0 | 1): void {
  writer.writeInt32(correlationId);
  if (headerVersion === 1) writer.writeUVarint(0);
}

export function decodeResponseHeader(reader: Reader, headerVersion: 0 | 1): { correlationId: number } {
  const correlationId = reader.readInt32();
  if (headerVersion === 1) skipTaggedFields(reader);
  return { correlationId };
}
