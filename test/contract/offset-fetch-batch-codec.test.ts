// The console's flexible FindCoordinator v4-6 and OffsetFetch v8/v9 codecs (offset-fetch-batch.ts),
// checked against the broker's schema-generated codec (tests may import embedded-broker; the
// console may not).
import { describe, expect, it } from 'vitest';
import { decodeRequestBody, encodeResponseBody, Reader, Writer } from '../../embedded-broker/protocol/codec.js';
import {
  decodeFindCoordinatorResponse,
  decodeOffsetFetchResponse,
  encodeFindCoordinatorRequest,
  encodeOffsetFetchRequest,
} from '../../electron/services/offset-fetch-batch.js';

const decodeAll = (apiKey: number, version: number, body: Buffer) => {
  const reader = new Reader(body);
  const decoded = decodeRequestBody(apiKey, version, reader);
  expect(reader.remaining).toBe(0);
  return decoded;
};

describe('FindCoordinator v4-6 codec', () => {
  for (const version of [4, 5, 6]) {
    it(`encodes v${version} group-key requests the broker decodes`, () => {
      const keys = ['orders-app', 'ünï-group', '', 'x'.repeat(300)];
      expect(decodeAll(10, version, encodeFindCoordinatorRequest(keys))).toMatchObject({ keyType: 0, coordinatorKeys: keys });
    });

    it(`decodes v${version} responses the broker encodes`, () => {
      const coordinators = [
        { key: 'a', nodeId: 2, host: '127.0.0.1', port: 9093, errorCode: 0, errorMessage: null },
        { key: 'b', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'No broker is running' },
      ];
      const w = new Writer();
      encodeResponseBody(10, version, { throttleTimeMs: 3, coordinators }, w);
      expect(decodeFindCoordinatorResponse(w.toBuffer())).toEqual({ throttleTimeMs: 3, coordinators });
    });
  }
});

describe('OffsetFetch v8/v9 codec', () => {
  for (const version of [8, 9]) {
    it(`encodes v${version} requests for all topics of many groups`, () => {
      const ids = Array.from({ length: 130 }, (_, i) => `group-${i}`); // past one varint byte
      const decoded = decodeAll(9, version, encodeOffsetFetchRequest(version, ids));
      expect(decoded.requireStable).toBe(false);
      expect(decoded.groups.map((g: { groupId: string }) => g.groupId)).toEqual(ids);
      for (const g of decoded.groups) {
        expect(g.topics).toBeNull();
        if (version >= 9) expect(g).toMatchObject({ memberId: null, memberEpoch: -1 });
      }
    });

    it(`decodes v${version} responses the broker encodes`, () => {
      const body = {
        throttleTimeMs: 0,
        groups: [
          {
            groupId: 'g1',
            errorCode: 0,
            topics: [
              { name: 'orders', partitions: [
                { partitionIndex: 0, committedOffset: 2 ** 40 + 3, committedLeaderEpoch: 4, metadata: 'm', errorCode: 0 },
                { partitionIndex: 5, committedOffset: -1, committedLeaderEpoch: -1, metadata: null, errorCode: 0 },
              ] },
              { name: 'ünï', partitions: [] },
            ],
          },
          { groupId: 'denied', errorCode: 30, topics: [] },
        ],
      };
      const w = new Writer();
      encodeResponseBody(9, version, body, w);
      // The same content under the console's names.
      expect(decodeOffsetFetchResponse(w.toBuffer())).toEqual({
        throttleTimeMs: 0,
        groups: body.groups.map(({ groupId, errorCode, topics }) => ({
          groupId,
          errorCode,
          topics: topics.map((t) => ({
            topic: t.name,
            partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.metadata, errorCode: p.errorCode })),
          })),
        })),
      });
    });
  }

  it('refuses a truncated response instead of inventing offsets', () => {
    const w = new Writer();
    encodeResponseBody(9, 8, { throttleTimeMs: 0, groups: [{ groupId: 'g', errorCode: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 9, committedLeaderEpoch: -1, metadata: null, errorCode: 0 }] }] }] }, w);
    const full = w.toBuffer();
    for (const cut of [1, 3, 10]) expect(() => decodeOffsetFetchResponse(full.subarray(0, full.length - cut))).toThrow(/truncated/);
  });
});
