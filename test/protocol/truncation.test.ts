// Frames come from the network: every malformed body must end in a
// ProtocolDecodeError, quickly, without large allocations.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ApiKeys, decodeRequestBody, encodeRequestBody } from '../../embedded-broker/protocol/codec.js';
import { ProtocolDecodeError, Reader } from '../../embedded-broker/protocol/primitives.js';
import { Writer } from '../../embedded-broker/protocol/writer.js';

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const load = (path: string) => Buffer.from((JSON.parse(readFileSync(join(fixtureDir, path), 'utf8')) as { data: number[] }).data);

function encoded(apiKey: number, version: number, body: object): Buffer {
  const w = new Writer();
  encodeRequestBody(apiKey, version, body, w);
  return w.toBuffer();
}

const bodies: [string, number, number, Buffer][] = [
  ['Produce v7 (kafkajs)', ApiKeys.Produce, 7, load('produce/v7_request.json')],
  ['Fetch v11 (kafkajs)', ApiKeys.Fetch, 11, load('fetch/v11_request.json')],
  ['JoinGroup v5 (kafkajs)', ApiKeys.JoinGroup, 5, load('joinGroup/v5_request.json')],
  ['OffsetCommit v5 (kafkajs)', ApiKeys.OffsetCommit, 5, load('offsetCommit/v5_request.json')],
  [
    'Metadata v12',
    ApiKeys.Metadata,
    12,
    encoded(ApiKeys.Metadata, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', name: 'orders' }, { name: null }], allowAutoTopicCreation: true }),
  ],
  [
    'Fetch v15 with tagged ReplicaState',
    ApiKeys.Fetch,
    15,
    encoded(ApiKeys.Fetch, 15, {
      replicaState: { replicaId: 2, replicaEpoch: 7 },
      topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: [{ partition: 0, fetchOffset: 5, partitionMaxBytes: 1 << 20 }] }],
      rackId: 'r1',
    }),
  ],
];

describe('truncated bodies', () => {
  it.each(bodies)('every prefix of %s throws ProtocolDecodeError', (_name, apiKey, version, full) => {
    // The full body decodes; anything shorter must fail cleanly.
    const r = new Reader(full);
    decodeRequestBody(apiKey, version, r);
    expect(r.remaining).toBe(0);
    for (let len = 0; len < full.length; len++) {
      let error: unknown;
      try {
        decodeRequestBody(apiKey, version, new Reader(full.subarray(0, len)));
      } catch (e) {
        error = e;
      }
      expect(error, `prefix of ${len} bytes`).toBeInstanceOf(ProtocolDecodeError);
    }
  });
});

describe('malicious lengths', () => {
  it('a huge classic array length in a tiny buffer throws before allocating', () => {
    // Metadata v1: topics array claiming 2^31-1 entries, followed by nothing.
    const bytes = Buffer.from('7fffffff', 'hex');
    expect(() => decodeRequestBody(ApiKeys.Metadata, 1, new Reader(bytes))).toThrow(/array length 2147483647 exceeds/);
  });

  it('a huge compact array length throws too', () => {
    // Metadata v12: topics compact length 0xfffffffe - 1 as uvarint.
    const bytes = Buffer.from('feffffff0f', 'hex');
    expect(() => decodeRequestBody(ApiKeys.Metadata, 12, new Reader(bytes))).toThrow(ProtocolDecodeError);
  });

  it('negative and oversized string/bytes lengths throw', () => {
    expect(() => new Reader(Buffer.from('fffe', 'hex')).readNullableString()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('ffff', 'hex')).readString()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('7fff41', 'hex')).readString()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('fffffffe', 'hex')).readNullableBytes()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('7fffffff00', 'hex')).readBytes()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('ffffffff0f', 'hex')).readCompactBytes()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('00', 'hex')).readCompactString()).toThrow(ProtocolDecodeError);
  });

  it('over-long varints throw', () => {
    expect(() => new Reader(Buffer.from('ffffffffff01', 'hex')).readUVarint()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('ffffffff7f', 'hex')).readUVarint()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.alloc(11, 0xff)).readVarlong()).toThrow(ProtocolDecodeError);
  });

  it('a tagged field larger than the body throws', () => {
    // Metadata v12 with empty topics, then a tagged section claiming a 1000-byte field.
    const bytes = Buffer.from('01' + '00' + '00' + '01' + '07' + 'e807', 'hex');
    expect(() => decodeRequestBody(ApiKeys.Metadata, 12, new Reader(bytes))).toThrow(ProtocolDecodeError);
  });

  it('unknown tagged fields are skipped', () => {
    const base = encoded(ApiKeys.Metadata, 12, { topics: [], allowAutoTopicCreation: false });
    // Replace the trailing empty tag section with one unknown tag (9) of 3 bytes.
    const withTag = Buffer.concat([base.subarray(0, base.length - 1), Buffer.from('01' + '09' + '03' + 'aabbcc', 'hex')]);
    const r = new Reader(withTag);
    expect(decodeRequestBody(ApiKeys.Metadata, 12, r)).toMatchObject({ topics: [], allowAutoTopicCreation: false });
    expect(r.remaining).toBe(0);
  });

  it('unknown api keys and versions out of range are decode errors', () => {
    expect(() => decodeRequestBody(9999, 0, new Reader(Buffer.alloc(0)))).toThrow(ProtocolDecodeError);
    expect(() => decodeRequestBody(ApiKeys.Metadata, 99, new Reader(Buffer.alloc(0)))).toThrow(ProtocolDecodeError);
  });
});
