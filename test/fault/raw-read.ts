// Reads partitions back over the wire with the raw codec client (no consumer group needed):
// Metadata v1 to find the leader, ListOffsets v1 for the log start, Fetch v11 to the high
// watermark, and our own batch decoder for the records.
import { RawClient } from '../helpers/raw-client.js';
import { BATCH_HEADER_SIZE, decodeBatchRecords, readBatchHeader } from '../../embedded-broker/protocol/record-batch.js';

export interface ReadRecord {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
}

export interface PartitionContents {
  logStartOffset: number;
  highWatermark: number;
  records: ReadRecord[];
}

/** partition index → "host:port" of its leader (or null when leaderless). */
export async function partitionLeaders(bootstrap: string, topic: string): Promise<Map<number, string | null>> {
  const client = await RawClient.connectTo(bootstrap);
  try {
    const md = await client.request(3, 1, { topics: [{ name: topic }] });
    const t = md.topics.find((x: any) => x.name === topic);
    if (!t || t.errorCode !== 0) throw new Error(`metadata for ${topic}: error ${t?.errorCode ?? 'missing'}`);
    const addr = new Map<number, string>(md.brokers.map((b: any) => [b.nodeId, `${b.host}:${b.port}`]));
    return new Map(t.partitions.map((p: any) => [p.partitionIndex, addr.get(p.leaderId) ?? null]));
  } finally {
    client.close();
  }
}

/** Splits a fetched record set into whole batches (a trailing partial batch is dropped, as clients do). */
export function splitBatches(records: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (records.length - pos >= BATCH_HEADER_SIZE) {
    const size = readBatchHeader(records, pos).size;
    if (pos + size > records.length) break;
    out.push(records.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}

/** Every record of one partition, from the log start to the high watermark. */
export async function readPartition(bootstrap: string, topic: string, partition: number): Promise<PartitionContents> {
  const leader = (await partitionLeaders(bootstrap, topic)).get(partition);
  if (!leader) throw new Error(`${topic}-${partition} has no leader`);
  const client = await RawClient.connectTo(leader);
  try {
    const lo = await client.request(2, 1, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp: -2 }] }] });
    const lp = lo.topics[0].partitions[0];
    if (lp.errorCode !== 0) throw new Error(`ListOffsets ${topic}-${partition}: error ${lp.errorCode}`);
    const logStartOffset: number = lp.offset;
    const records: ReadRecord[] = [];
    let offset = logStartOffset;
    let highWatermark = -1;
    for (;;) {
      const res = await client.request(1, 11, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 16 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 4 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      const p = res.responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`Fetch ${topic}-${partition} at ${offset}: error ${p.errorCode}`);
      highWatermark = p.highWatermark;
      const batches = p.records ? splitBatches(p.records) : [];
      for (const batch of batches) {
        for (const r of await decodeBatchRecords(batch)) {
          if (r.offset < offset) continue; // the first batch may start before the fetch offset
          records.push({ offset: r.offset, key: r.key, value: r.value });
        }
        offset = readBatchHeader(batch, 0).lastOffset + 1;
      }
      if (offset >= highWatermark) break;
      if (batches.length === 0) throw new Error(`Fetch ${topic}-${partition} at ${offset} returned nothing below the high watermark ${highWatermark}`);
    }
    return { logStartOffset, highWatermark, records };
  } finally {
    client.close();
  }
}
