// Public codec: request/response/data bodies by api key (or data name) and
// version. Each (message, version) is compiled once, on first use.
import type { MessageDescriptor } from './descriptor-types.js';
import { messageDescriptors } from './generated/message-descriptors.js';
import { ProtocolDecodeError, type Reader } from './primitives.js';
import { type Writer } from './writer.js';
import { compileStruct, type StructCodec } from './struct-codec.js';

export { ProtocolDecodeError, Reader } from './primitives.js';
export { Writer } from './writer.js';
export type { Encodable } from './generated/message-types.js';
export { ApiKeys } from './generated/message-types.js';

export type ApiKey = number;

const requests = new Map<number, MessageDescriptor>();
const responses = new Map<number, MessageDescriptor>();
const data = new Map<string, MessageDescriptor>();
for (const d of messageDescriptors) {
  if (d.kind === 'request') requests.set(d.apiKey!, d);
  else if (d.kind === 'response') responses.set(d.apiKey!, d);
  else data.set(d.name, d);
}

const compiled = new Map<MessageDescriptor, (StructCodec | undefined)[]>();

function codecFor(d: MessageDescriptor, version: number): StructCodec {
  let perVersion = compiled.get(d);
  if (!perVersion) compiled.set(d, (perVersion = []));
  let c = perVersion[version];
  if (!c) perVersion[version] = c = compileStruct(d.fields, version, version >= d.flexFrom);
  return c;
}

function checkedVersion(d: MessageDescriptor | undefined, what: string, version: number): MessageDescriptor {
  if (!d) throw new ProtocolDecodeError(`unknown ${what}`);
  if (!Number.isInteger(version) || version < d.min || version > d.max) {
    throw new ProtocolDecodeError(`${d.name} version ${version} outside ${d.min}-${d.max}`);
  }
  return d;
}

export function messageSchemaVersions(apiKey: number): { min: number; max: number; flexibleFrom: number } | undefined {
  const d = requests.get(apiKey);
  return d && { min: d.min, max: d.max, flexibleFrom: d.flexFrom };
}

/** Judged by the schema's first flexible version, also above its max, so headers of newer versions still parse. */
export function isFlexibleVersion(apiKey: number, version: number): boolean {
  const d = requests.get(apiKey);
  return d !== undefined && version >= d.flexFrom;
}

export function decodeRequestBody<T = any>(apiKey: number, version: number, reader: Reader): T {
  return codecFor(checkedVersion(requests.get(apiKey), `request api key ${apiKey}`, version), version).read(reader);
}

export function encodeRequestBody(apiKey: number, version: number, body: object, writer: Writer): void {
  codecFor(checkedVersion(requests.get(apiKey), `request api key ${apiKey}`, version), version).write(writer, body);
}

export function decodeResponseBody<T = any>(apiKey: number, version: number, reader: Reader): T {
  return codecFor(checkedVersion(responses.get(apiKey), `response api key ${apiKey}`, version), version).read(reader);
}

export function encodeResponseBody(apiKey: number, version: number, body: object, writer: Writer): void {
  codecFor(checkedVersion(responses.get(apiKey), `response api key ${apiKey}`, version), version).write(writer, body);
}

// Data messages (the consumer protocol's subscription/assignment) promise that newer
// versions only append fields, so a version above our max is read with our max.
// The int16 version prefix that precedes them on the wire is the caller's to read/write.
function dataVersion(name: string, version: number): [MessageDescriptor, number] {
  const d = data.get(name);
  if (!d) throw new ProtocolDecodeError(`unknown data message ${name}`);
  const v = Math.min(version, d.max);
  return [checkedVersion(d, name, v), v];
}

export function decodeData<T = any>(name: string, version: number, reader: Reader): T {
  const [d, v] = dataVersion(name, version);
  return codecFor(d, v).read(reader);
}

export function encodeData(name: string, version: number, body: object, writer: Writer): void {
  const [d, v] = dataVersion(name, version);
  codecFor(d, v).write(writer, body);
}

/** Api keys the schemas describe, ascending (for ApiVersions tables and tests). */
export function knownApiKeys(): number[] {
  return [...requests.keys()].sort((a, b) => a - b);
}

/** Schema name of a message, e.g. requestName(3) === 'MetadataRequest'. */
export function messageName(apiKey: number, kind: 'request' | 'response'): string | undefined {
  return (kind === 'request' ? requests : responses).get(apiKey)?.name;
}

/** Every descriptor, for tests and tooling that walk the schema. */
export function allMessageDescriptors(): readonly MessageDescriptor[] {
  return messageDescriptors;
}
