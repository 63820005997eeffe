// Every request, response and data message, at every version the schemas
// describe: sample → encode → decode → encode must give identical bytes, and
// the decoded object must hold the sample (plus defaults for everything else).
import { describe, expect, it } from 'vitest';
import type { MessageDescriptor } from '../../embedded-broker/protocol/descriptor-types.js';
import {
  allMessageDescriptors,
  decodeData,
  decodeRequestBody,
  decodeResponseBody,
  encodeData,
  encodeRequestBody,
  encodeResponseBody,
} from '../../embedded-broker/protocol/codec.js';
import { Reader } from '../../embedded-broker/protocol/primitives.js';
import { Writer } from '../../embedded-broker/protocol/writer.js';
import { missingFields, Prng, sampleStruct, type SampleMode } from './sample-values.js';

function encode(d: MessageDescriptor, version: number, body: object): Buffer {
  const w = new Writer();
  if (d.kind === 'request') encodeRequestBody(d.apiKey!, version, body, w);
  else if (d.kind === 'response') encodeResponseBody(d.apiKey!, version, body, w);
  else encodeData(d.name, version, body, w);
  return w.toBuffer();
}

function decode(d: MessageDescriptor, version: number, bytes: Buffer): { value: any; remaining: number } {
  const r = new Reader(bytes);
  const value =
    d.kind === 'request'
      ? decodeRequestBody(d.apiKey!, version, r)
      : d.kind === 'response'
        ? decodeResponseBody(d.apiKey!, version, r)
        : decodeData(d.name, version, r);
  return { value, remaining: r.remaining };
}

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const cases: [string, MessageDescriptor, number][] = [];
for (const d of allMessageDescriptors()) {
  for (let v = d.min; v <= d.max; v++) cases.push([`${d.name} v${v}`, d, v]);
}

describe('round trip of every message version', () => {
  it('covers all request/response/data messages', () => {
    const kinds = new Set(allMessageDescriptors().map((d) => d.kind));
    expect([...kinds].sort()).toEqual(['data', 'request', 'response']);
    expect(cases.length).toBeGreaterThan(600);
  });

  it.each(cases)('%s', (_label, d, version) => {
    const variants: [SampleMode, number][] = [
      ['rich', 1],
      ['rich', 2],
      ['rich', 3],
      ['sparse', 4],
    ];
    for (const [mode, seed] of variants) {
      const sample = sampleStruct(d.fields, version, new Prng(hashName(d.name) + version * 7919 + seed), mode);
      const bytes = encode(d, version, sample);
      const { value, remaining } = decode(d, version, bytes);
      expect(remaining).toBe(0);
      expect(missingFields(d.fields, value)).toEqual([]);
      expect(value).toMatchObject(sample);
      expect(encode(d, version, value).equals(bytes)).toBe(true);
    }
    // Handlers may omit everything: an empty object encodes as all defaults.
    const empty = encode(d, version, {});
    const { value } = decode(d, version, empty);
    expect(encode(d, version, value).equals(empty)).toBe(true);
  });
});
