// The console's compact DescribeLogDirs v0/v1 codec, checked against the broker's
// schema-generated codec (tests may import embedded-broker; the console may not).
import { describe, expect, it } from 'vitest';
import { decodeRequestBody, encodeResponseBody } from '../../embedded-broker/protocol/codec.js';
import { Reader } from '../../embedded-broker/protocol/primitives.js';
import { Writer } from '../../embedded-broker/protocol/writer.js';
import type { KafkaAdapter } from '../../electron/services/kafka-adapter.js';
import { decodeDescribeLogDirsResponse, encodeDescribeLogDirsRequest, leaderPartitionSizes, topicSize } from '../../electron/services/log-dirs.js';

describe('DescribeLogDirs codec', () => {
  for (const version of [0, 1]) {
    it(`encodes v${version} requests the broker decodes`, () => {
      const topics = [{ topic: 'orders', partitions: [0, 2, 7] }, { topic: 'ünï', partitions: [] }];
      const decoded = decodeRequestBody(35, version, new Reader(encodeDescribeLogDirsRequest(topics)));
      expect(decoded.topics).toEqual(topics);
      expect(decodeRequestBody(35, version, new Reader(encodeDescribeLogDirsRequest(null))).topics).toBeNull();
    });

    it(`decodes v${version} responses the broker encodes`, () => {
      const body = {
        throttleTimeMs: 7,
        results: [
          {
            errorCode: 0,
            logDir: '/data/node-1',
            topics: [
              { name: 'orders', partitions: [
                { partitionIndex: 0, partitionSize: 2 ** 40 + 5, offsetLag: 0, isFutureKey: false },
                { partitionIndex: 3, partitionSize: 0, offsetLag: 12, isFutureKey: true },
              ] },
            ],
          },
          { errorCode: 57, logDir: '/broken', topics: [] },
        ],
      };
      const w = new Writer();
      encodeResponseBody(35, version, body, w);
      expect(decodeDescribeLogDirsResponse(w.toBuffer())).toEqual({
        throttleTimeMs: 7,
        results: [
          {
            errorCode: 0,
            logDir: '/data/node-1',
            topics: [
              { topic: 'orders', partitions: [
                { partition: 0, sizeBytes: 2 ** 40 + 5, offsetLag: 0, isFuture: false },
                { partition: 3, sizeBytes: 0, offsetLag: 12, isFuture: true },
              ] },
            ],
          },
          { errorCode: 57, logDir: '/broken', topics: [] },
        ],
      });
    });
  }

  it('refuses a truncated response instead of inventing sizes', () => {
    const w = new Writer();
    encodeResponseBody(35, 1, { throttleTimeMs: 0, results: [{ errorCode: 0, logDir: 'd', topics: [{ name: 't', partitions: [{ partitionIndex: 0, partitionSize: 10, offsetLag: 0, isFutureKey: false }] }] }] }, w);
    const full = w.toBuffer();
    expect(() => decodeDescribeLogDirsResponse(full.subarray(0, full.length - 3))).toThrow(/truncated/);
  });
});

describe('leaderPartitionSizes', () => {
  const meta = (leaders: number[]) => [
    { topicErrorCode: 0, topic: 't', partitionMetadata: leaders.map((leader, i) => ({ partitionErrorCode: 0, partitionId: i, leader, replicas: [leader], isr: [leader] })) },
  ];
  const answer = (errorCode: number, sizes: Array<[number, number]>) => {
    const w = new Writer();
    encodeResponseBody(35, 1, { throttleTimeMs: 0, results: [{ errorCode, logDir: '/d', topics: [{ name: 't', partitions: sizes.map(([partitionIndex, partitionSize]) => ({ partitionIndex, partitionSize, offsetLag: 0, isFutureKey: false })) }] }] }, w);
    return w.toBuffer();
  };
  // A kafkajs Broker stand-in: its negotiated versions and a connection pool that runs our decoder on canned bytes.
  const broker = (versions: Record<string, { minVersion: number; maxVersion: number }>, bytes: Buffer, seen: number[] = []) => ({
    versions,
    connectionPool: {
      async send({ request, response }: any) {
        seen.push(request.apiVersion);
        expect((await request.encode()).buf).toBeInstanceOf(Buffer);
        return response.parse(await response.decode(bytes));
      },
    },
  });
  const adapterWith = (brokers: Record<number, unknown>) =>
    ({
      config: { connectionTimeoutMs: 1000, requestTimeoutMs: 1000 },
      run: (_what: string, fn: () => Promise<unknown>) => fn(),
      raw: async () => ({ findBroker: async ({ nodeId }: { nodeId: number }) => brokers[nodeId] ?? Promise.reject(new Error('down')) }),
    }) as unknown as KafkaAdapter;

  it('asks each leader for its partitions, at v1 when offered', async () => {
    const seen: number[] = [];
    const sizes = await leaderPartitionSizes(adapterWith({ 1: broker({ 35: { minVersion: 0, maxVersion: 4 } }, answer(0, [[0, 100]]), seen), 2: broker({ 35: { minVersion: 0, maxVersion: 0 } }, answer(0, [[1, 50]]), seen) }), meta([1, 2]));
    expect(sizes?.get('t')).toEqual(new Map([[0, 100], [1, 50]]));
    expect(seen.sort()).toEqual([0, 1]);
    expect(topicSize(sizes, 't')).toBe(150);
  });

  it('is null when no broker offers the API or every one refuses it', async () => {
    expect(await leaderPartitionSizes(adapterWith({ 1: broker({ 3: { minVersion: 0, maxVersion: 12 } }, answer(0, [[0, 1]])) }), meta([1]))).toBeNull();
    expect(await leaderPartitionSizes(adapterWith({ 1: broker({ 35: { minVersion: 2, maxVersion: 4 } }, answer(0, [[0, 1]])) }), meta([1]))).toBeNull();
    expect(await leaderPartitionSizes(adapterWith({ 1: broker({ 35: { minVersion: 0, maxVersion: 4 } }, answer(31, [])) }), meta([1]))).toBeNull();
  });

  it('keeps what the reachable leaders said when one is down', async () => {
    const sizes = await leaderPartitionSizes(adapterWith({ 1: broker({ 35: { minVersion: 0, maxVersion: 4 } }, answer(0, [[0, 7]])) }), meta([1, 2, -1]));
    expect(sizes?.get('t')).toEqual(new Map([[0, 7]]));
    expect(topicSize(sizes, 't')).toBe(7);
    expect(topicSize(sizes, 'other')).toBeNull();
  });
});
