// A group-less reader over our own codec: Metadata to find each partition's leader, then
// plain Fetch requests from a start offset up to the high watermark. Used where a client
// under test has no assign() (kafkajs) and as an independent check of what was stored.
import { RawClient } from './raw-client.js';
import { decodeBatchRecords, readBatchHeader, LOG_OVERHEAD, type DecodedRecord } from '../../embedded-broker/protocol/record-batch.js';

export interface ConsumedRecord extends DecodedRecord {
  partition: number;
  compression: number;
}

const METADATA_VERSION = 12;
const FETCH_VERSION = 12; // the last version that addresses topics by name

export async function partitionLeaders(bootstrap: string[], topic: string): Promise<{ leaders: Map<number, string>; brokers: Map<number, string> }> {
  const client = await RawClient.connectTo(bootstrap[0]!);
  try {
    const md = await client.request(3, METADATA_VERSION, { topics: [{ name: topic }], allowAutoTopicCreation: false });
    const brokers = new Map<number, string>(md.brokers.map((b: any) => [b.nodeId, `${b.host}:${b.port}`]));
    const t = md.topics.find((x: any) => x.name === topic);
    if (!t || t.errorCode !== 0) throw new Error(`metadata for ${topic}: error ${t?.errorCode}`);
    const leaders = new Map<number, string>();
    for (const p of t.partitions) leaders.set(p.partitionIndex, brokers.get(p.leaderId)!);
    return { leaders, brokers };
  } finally {
    client.close();
  }
}

/** Reads every record of the topic's partitions from the log start to the high watermark. */
export async function readTopic(bootstrap: string[], topic: string, partitions?: number[]): Promise<ConsumedRecord[]> {
  const { leaders } = await partitionLeaders(bootstrap, topic);
  const out: ConsumedRecord[] = [];
  for (const [partition, leader] of leaders) {
    if (partitions && !partitions.includes(partition)) continue;
    out.push(...(await readPartition(leader, topic, partition)));
  }
  return out;
}

/** Reads from `fromOffset` (default: the partition's log start offset) to the high watermark. */
export async function readPartition(leader: string, topic: string, partition: number, fromOffset?: number): Promise<ConsumedRecord[]> {
  const client = await RawClient.connectTo(leader);
  try {
    const out: ConsumedRecord[] = [];
    let offset = fromOffset ?? (await earliestOffset(client, topic, partition));
    for (let round = 0; round < 1000; round++) {
      const res = await client.request(1, FETCH_VERSION, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 8 * 1024 * 1024,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 4 * 1024 * 1024 }] }],
        forgottenTopicsData: [],
        rackId: '',
      });
      const p = res.responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}@${offset}: error ${p.errorCode}`);
      const records: Buffer = p.records ?? Buffer.alloc(0);
      let pos = 0;
      while (pos + LOG_OVERHEAD <= records.length) {
        const size = records.readInt32BE(pos + 8) + LOG_OVERHEAD;
        if (pos + size > records.length) break; // a partial trailing batch is allowed
        const batch = records.subarray(pos, pos + size);
        const header = readBatchHeader(batch, 0);
        if (!header.isControl) {
          for (const r of await decodeBatchRecords(batch)) {
            if (r.offset >= offset) out.push({ ...r, partition, compression: header.compression });
          }
        }
        offset = Math.max(offset, header.lastOffset + 1);
        pos += size;
      }
      if (offset >= Number(p.highWatermark)) return out;
    }
    throw new Error(`fetch ${topic}-${partition} made no progress`);
  } finally {
    client.close();
  }
}

async function earliestOffset(client: RawClient, topic: string, partition: number): Promise<number> {
  const res = await client.request(2, 7, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -2 }] }],
  });
  const p = res.topics[0].partitions[0];
  if (p.errorCode !== 0) throw new Error(`list offsets ${topic}-${partition}: error ${p.errorCode}`);
  return Number(p.offset);
}
