// Partition sizes from DescribeLogDirs (log-dirs.ts) with kafkajs Broker stand-ins answering
// bytes the broker's codec encodes: each leader is asked for its partitions at the version it
// offers, and brokers that are down, lack the API, refuse it or answer garbage are left out.
import { describe, expect, it } from 'vitest';
import { decodeRequestBody, encodeResponseBody } from '../../embedded-broker/protocol/codec.js';
import { Reader } from '../../embedded-broker/protocol/primitives.js';
import { Writer } from '../../embedded-broker/protocol/writer.js';
import type { KafkaAdapter } from '../../electron/services/kafka-adapter.js';
import { leaderPartitionSizes, topicSize } from '../../electron/services/log-dirs.js';

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
  const broker = (versions: Record<string, { minVersion: number; maxVersion: number }>, bytes: Buffer, seen: number[] = [], asked: unknown[] = []) => ({
    versions,
    connectionPool: {
      async send({ request, response }: any) {
        seen.push(request.apiVersion);
        asked.push(decodeRequestBody(35, request.apiVersion, new Reader((await request.encode()).buf)).topics);
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
    const asked: unknown[] = [];
    const sizes = await leaderPartitionSizes(adapterWith({ 1: broker({ 35: { minVersion: 0, maxVersion: 4 } }, answer(0, [[0, 100]]), seen, asked), 2: broker({ 35: { minVersion: 0, maxVersion: 0 } }, answer(0, [[1, 50]]), seen, asked) }), meta([1, 2]));
    expect(sizes?.get('t')).toEqual(new Map([[0, 100], [1, 50]]));
    expect(seen.sort()).toEqual([0, 1]);
    expect(asked).toEqual(expect.arrayContaining([[{ topic: 't', partitions: [0] }], [{ topic: 't', partitions: [1] }]]));
    expect(topicSize(sizes, 't')).toBe(150);
  });

  it('is null when no broker offers the API or every one refuses it', async () => {
    expect(await leaderPartitionSizes(adapterWith({ 1: broker({ 3: { minVersion: 0, maxVersion: 12 } }, answer(0, [[0, 1]])) }), meta([1]))).toBeNull();
    expect(await leaderPartitionSizes(adapterWith({ 1: broker({ 35: { minVersion: 2, maxVersion: 4 } }, answer(0, [[0, 1]])) }), meta([1]))).toBeNull();
    expect(await leaderPartitionSizes(adapterWith({ 1: broker({ 35: { minVersion: 0, maxVersion: 4 } }, answer(31, [])) }), meta([1]))).toBeNull();
    // A truncated answer is refused, not read as sizes.
    const full = answer(0, [[0, 1]]);
    expect(await leaderPartitionSizes(adapterWith({ 1: broker({ 35: { minVersion: 0, maxVersion: 4 } }, full.subarray(0, full.length - 3)) }), meta([1]))).toBeNull();
  });

  it('keeps what the reachable leaders said when one is down', async () => {
    const sizes = await leaderPartitionSizes(adapterWith({ 1: broker({ 35: { minVersion: 0, maxVersion: 4 } }, answer(0, [[0, 7]])) }), meta([1, 2, -1]));
    expect(sizes?.get('t')).toEqual(new Map([[0, 7]]));
    expect(topicSize(sizes, 't')).toBe(7);
    expect(topicSize(sizes, 'other')).toBeNull();
  });
});
