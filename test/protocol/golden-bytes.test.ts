// Golden bytes from kafkajs' test suite: requests as kafkajs encodes them,
// responses as real brokers sent them. Decode with the matching version and
// re-encode: the bytes must come back unchanged.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ApiKeys,
  decodeData,
  decodeRequestBody,
  decodeResponseBody,
  encodeData,
  encodeRequestBody,
  encodeResponseBody,
  isFlexibleVersion,
  ProtocolDecodeError,
} from '../../embedded-broker/protocol/codec.js';
import { Reader } from '../../embedded-broker/protocol/primitives.js';
import { Writer } from '../../embedded-broker/protocol/writer.js';

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const load = (path: string) => Buffer.from((JSON.parse(readFileSync(join(fixtureDir, path), 'utf8')) as { data: number[] }).data);

/** kafkajs folder names are the api names in camelCase. */
function apiKeyOf(folder: string): number {
  const key = (ApiKeys as Record<string, number>)[folder.charAt(0).toUpperCase() + folder.slice(1)];
  if (key === undefined) throw new Error(`no api key for ${folder}`);
  return key;
}

interface Golden {
  folder: string;
  file: string;
  apiKey: number;
  version: number;
  kind: 'request' | 'response';
}

const goldens: Golden[] = [];
for (const folder of readdirSync(fixtureDir, { withFileTypes: true })) {
  if (!folder.isDirectory()) continue;
  for (const file of readdirSync(join(fixtureDir, folder.name))) {
    const m = /^v(\d+)_(?:.*_)?(request|response)(?:_.*)?\.json$/.exec(file);
    if (!m) continue;
    goldens.push({ folder: folder.name, file, apiKey: apiKeyOf(folder.name), version: Number(m[1]), kind: m[2] as Golden['kind'] });
  }
}

// A v1 response from a broker that omitted throttle_time_ms; kafkajs keeps it to
// test its fallback. The body is laid out as ApiVersions v0, so check it as v0.
const AS_VERSION: Record<string, number> = { 'apiVersions/v1_response_missing_throttle_time.json': 0 };

function roundTrip(g: Golden, bytes: Buffer, version: number) {
  const r = new Reader(bytes);
  const decode = g.kind === 'request' ? decodeRequestBody : decodeResponseBody;
  const value = decode(g.apiKey, version, r);
  const w = new Writer();
  (g.kind === 'request' ? encodeRequestBody : encodeResponseBody)(g.apiKey, version, value, w);
  return { value, remaining: r.remaining, out: w.toBuffer() };
}

describe('golden bytes', () => {
  it('has fixtures for the APIs the broker serves', () => {
    const folders = new Set(goldens.map((g) => g.folder));
    for (const f of ['apiVersions', 'metadata', 'produce', 'fetch', 'listOffsets', 'createTopics', 'deleteTopics',
      'describeConfigs', 'findCoordinator', 'joinGroup', 'syncGroup', 'offsetCommit', 'offsetFetch', 'describeGroups',
      'initProducerId', 'saslAuthenticate']) {
      expect(folders, f).toContain(f);
    }
  });

  it.each(goldens.map((g) => [`${g.folder}/${g.file}`, g] as const))('%s', (path, g) => {
    let bytes = load(path);
    const version = AS_VERSION[path] ?? g.version;
    if (isFlexibleVersion(g.apiKey, version)) {
      // kafkajs' captures of flexible messages start with the header's empty
      // tagged-field section (it reads that byte as part of the body).
      expect(bytes[0]).toBe(0);
      bytes = bytes.subarray(1);
    }
    const { remaining, out } = roundTrip(g, bytes, version);
    expect(remaining).toBe(0);
    expect(out.toString('hex')).toBe(bytes.toString('hex'));
  });

  it('decodes values, not just bytes', () => {
    const md = decodeResponseBody(ApiKeys.Metadata, 5, new Reader(load('metadata/v5_response.json')));
    expect(md.brokers.length).toBeGreaterThan(0);
    expect(md.brokers[0]).toMatchObject({ host: expect.any(String), port: expect.any(Number), rack: null });
    expect(md.topics[0].partitions[0]).toHaveProperty('offlineReplicas');

    const av = decodeResponseBody(ApiKeys.ApiVersions, 1, new Reader(load('apiVersions/v1_response.json')));
    expect(av.errorCode).toBe(0);
    expect(av.apiKeys[0]).toEqual({ apiKey: 0, minVersion: 0, maxVersion: expect.any(Number) });

    const produce = decodeRequestBody(ApiKeys.Produce, 7, new Reader(load('produce/v7_request.json')));
    const records: Buffer = produce.topicData[0].partitionData[0].records;
    expect(Buffer.isBuffer(records)).toBe(true);
    expect(records.readInt8(16)).toBe(2); // record batch magic: records stay opaque bytes
  });
});

describe('consumer protocol data in group fixtures', () => {
  // These carry the int16 version prefix the consumer protocol puts before the struct.
  const cases = [
    ['describeGroups/v1_memberAssignment.json', 'ConsumerProtocolAssignment'],
    ['syncGroup/v1_memberAssignment.json', 'ConsumerProtocolAssignment'],
    ['describeGroups/v1_memberMetadata.json', 'ConsumerProtocolSubscription'],
    ['joinGroup/v1_assignerMetadata.json', 'ConsumerProtocolSubscription'],
    ['joinGroup/v2_assignerMetadata.json', 'ConsumerProtocolSubscription'],
  ] as const;

  it.each(cases)('%s as %s', (path, name) => {
    const bytes = load(path);
    const r = new Reader(bytes);
    const version = r.readInt16();
    // kafkajs labels its subscription version 1 but writes the v0 layout (no
    // OwnedPartitions), so only the v0 reading consumes it exactly. Anything in
    // the broker that reads subscriptions from kafkajs members must expect that.
    const kafkajsSubscription = name === 'ConsumerProtocolSubscription';
    if (kafkajsSubscription) {
      expect(version).toBe(1);
      expect(() => decodeData(name, 1, new Reader(bytes, 2))).toThrow(ProtocolDecodeError);
    }
    const value = decodeData(name, kafkajsSubscription ? 0 : version, r);
    expect(r.remaining).toBe(0);
    const w = new Writer();
    w.writeInt16(version);
    encodeData(name, kafkajsSubscription ? 0 : version, value, w);
    expect(w.toBuffer().equals(bytes)).toBe(true);
    expect(value.topics ?? value.assignedPartitions).toBeInstanceOf(Array);
  });
});
