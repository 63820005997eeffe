// Not a benchmark: makes sure a big cluster's Metadata response encodes and
// decodes in one piece (10k partitions), which exercises Writer growth.
import { describe, expect, it } from 'vitest';
import { ApiKeys, decodeResponseBody, encodeResponseBody } from '../../embedded-broker/protocol/codec.js';
import type { Encodable, MetadataResponse } from '../../embedded-broker/protocol/generated/message-types.js';
import { Reader } from '../../embedded-broker/protocol/primitives.js';
import { Writer } from '../../embedded-broker/protocol/writer.js';

describe('large Metadata response', () => {
  it.each([1, 12])('1000 topics x 10 partitions at v%i', (version) => {
    const body: Encodable<MetadataResponse> = {
      brokers: [0, 1, 2].map((nodeId) => ({ nodeId, host: '127.0.0.1', port: 9092 + nodeId, rack: null })),
      clusterId: 'keel-sandbox',
      controllerId: 0,
      topics: Array.from({ length: 1000 }, (_, t) => ({
        name: `topic-${t}`,
        topicId: Buffer.alloc(16, t % 256).toString('base64url'),
        partitions: Array.from({ length: 10 }, (_, p) => ({
          partitionIndex: p,
          leaderId: p % 3,
          leaderEpoch: 1,
          replicaNodes: [0, 1, 2],
          isrNodes: [0, 1, 2],
          offlineReplicas: [],
        })),
      })),
    };
    const w = new Writer();
    encodeResponseBody(ApiKeys.Metadata, version, body, w);
    const bytes = w.toBuffer();
    expect(bytes.length).toBeGreaterThan(10_000 * 20);
    const decoded = decodeResponseBody<MetadataResponse>(ApiKeys.Metadata, version, new Reader(bytes));
    expect(decoded.topics).toHaveLength(1000);
    expect(decoded.topics[999]!.name).toBe('topic-999');
    expect(decoded.topics[999]!.partitions[9]).toMatchObject({ partitionIndex: 9, leaderId: 0, isrNodes: [0, 1, 2] });
  });
});
