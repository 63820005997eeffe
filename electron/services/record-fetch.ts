// Reads records at exact offsets from partition leaders with kafkajs' broker Fetch, without a
// consumer group, so browsing never leaves traces on the user's cluster.
import { ContractError } from '../contract/errors.js';
import { fetchWithOwnCodec } from './fetch-codec.js';
import { isStaleRouteError, type KafkaAdapter, type RawFetchPartition, type RawRecord } from './kafka-adapter.js';

export interface PartitionRead {
  partition: number;
  records: RawRecord[];
  highWatermark: string;
  errorCode: number;
  /** One past the last offset the broker returned, control records included: where to read next. */
  nextOffset: string | null;
}

const RETRIABLE_LEADER_ERRORS = new Set([3, 5, 6, 74, 75]); // unknown partition, leader n/a, not leader, fenced/unknown epoch

export async function fetchPartitions(
  adapter: KafkaAdapter,
  topic: string,
  positions: Array<{ partition: number; offset: string }>,
  options: { maxBytesPerPartition?: number; maxWaitMs?: number } = {},
): Promise<Map<number, PartitionRead>> {
  const out = new Map<number, PartitionRead>();
  if (positions.length === 0) return out;
  const raw = await adapter.run('Metadata', () => adapter.useTopics([topic]));
  for (let attempt = 0; attempt < 3; attempt++) {
    const todo = positions.filter((p) => !out.has(p.partition));
    if (todo.length === 0) break;
    let byLeader: Record<string, number[]>;
    try {
      byLeader = raw.findLeaderForPartitions(topic, todo.map((p) => p.partition));
    } catch (err) {
      throw new ContractError('NOT_FOUND', `Topic "${topic}" is not known to the cluster`, { error: String(err) });
    }
    let retry = false;
    const fetchFrom = (nodeId: string, partitions: number[]) =>
      adapter.run('Fetch', async () => {
        const broker = await raw.findBroker({ nodeId });
        const args = {
          isolationLevel: 0,
          maxWaitTime: options.maxWaitMs ?? 0,
          minBytes: 1,
          maxBytes: 50 * 1024 * 1024,
          topics: [
            {
              topic,
              partitions: partitions.map((partition) => ({
                partition,
                fetchOffset: todo.find((p) => p.partition === partition)!.offset,
                maxBytes: options.maxBytesPerPartition ?? 1024 * 1024,
              })),
            },
          ],
        };
        // Our own v5 decoding when the broker speaks it (several times kafkajs' record rate);
        // kafkajs' fetch for the rest (old message formats, brokers without v5).
        return (await fetchWithOwnCodec(broker, args)) ?? broker.fetch({ replicaId: -1, ...args });
      });
    await Promise.all(
      Object.entries(byLeader).map(async ([nodeId, partitions]) => {
        let res;
        try {
          res = await fetchFrom(nodeId, partitions);
        } catch (err) {
          // The cached leader's broker is down or gone: refresh and ask the new leader.
          if (!isStaleRouteError(err) || attempt === 2) throw err;
          retry = true;
          return;
        }
        for (const t of res.responses) {
          for (const p of t.partitions as RawFetchPartition[]) {
            if (RETRIABLE_LEADER_ERRORS.has(p.errorCode)) {
              retry = true;
              continue;
            }
            // kafkajs' fetch throws on a partition error; our codec returns it: fail the same way.
            if (p.errorCode !== 0) {
              throw new ContractError('KAFKA_ERROR', `Reading ${topic}/${p.partition} failed with Kafka error code ${p.errorCode}${p.errorCode === 1 ? ' (OFFSET_OUT_OF_RANGE)' : ''}`, { errorCode: p.errorCode, partition: p.partition });
            }
            const from = BigInt(todo.find((x) => x.partition === p.partition)?.offset ?? '0');
            // A compressed batch comes back whole, so it can start before the offset we asked for.
            let start = 0;
            while (start < p.messages.length && BigInt(p.messages[start]!.offset) < from) start++;
            let records = start === 0 ? p.messages : p.messages.slice(start);
            if (records.some((m) => m.isControlRecord)) records = records.filter((m) => !m.isControlRecord);
            const last = p.messages.length > 0 ? BigInt(p.messages[p.messages.length - 1]!.offset) + 1n : null;
            out.set(p.partition, {
              partition: p.partition,
              records,
              highWatermark: String(p.highWatermark),
              errorCode: p.errorCode,
              nextOffset: last !== null && last > from ? last.toString() : null,
            });
          }
        }
      }),
    );
    if (!retry) break;
    await adapter.run('Metadata', () => raw.refreshMetadata());
  }
  for (const p of positions) {
    if (!out.has(p.partition)) throw new ContractError('KAFKA_ERROR', `Partition ${topic}/${p.partition} has no reachable leader`);
  }
  return out;
}

export async function fetchOneRecord(adapter: KafkaAdapter, topic: string, partition: number, offset: string): Promise<RawRecord | null> {
  const read = (await fetchPartitions(adapter, topic, [{ partition, offset }], { maxBytesPerPartition: 64 * 1024 })).get(partition);
  return read?.records[0] ?? null;
}
