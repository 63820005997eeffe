// Helpers for the replication tests: topic creation and produce over the raw codec client,
// the controller's view of partitions (Metadata on the wire, and the controller's own
// persisted state file), polling with a deadline, and direct reads of replica segment files.
import fs from 'node:fs';
import path from 'node:path';
import { RawClient } from './raw-client.js';
import { decodeBatchRecords, readBatchHeader, LOG_OVERHEAD, BATCH_HEADER_SIZE, type DecodedRecord } from '../../embedded-broker/protocol/record-batch.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';

export interface PartitionView {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offline: number[];
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value or the deadline passes (then throws with `what`). */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs: number, what: string, intervalMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(intervalMs);
  }
}

export async function withClient<T>(address: string, fn: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connectTo(address);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
  /** Explicit replica lists per partition (preferred leader first). */
  assignments?: number[][];
}

/** CreateTopics v4 over a raw client; throws on any per-topic error. */
export async function createTopic(bootstrap: string[], spec: TopicSpec): Promise<void> {
  await withClient(bootstrap[0]!, async (client) => {
    const res = await client.request(19, 4, {
      topics: [
        {
          name: spec.name,
          numPartitions: spec.assignments ? -1 : spec.partitions,
          replicationFactor: spec.assignments ? -1 : (spec.replicationFactor ?? 3),
          assignments: (spec.assignments ?? []).map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })),
          configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    const t = res.topics[0];
    if (t.errorCode !== 0) throw new Error(`CreateTopics ${spec.name}: error ${t.errorCode} ${t.errorMessage}`);
  });
}

/** Every partition of `topic` as Metadata v12 reports it, from any running broker. */
export async function metadataView(address: string, topic: string): Promise<{ partitions: PartitionView[]; brokers: Map<number, string>; controllerId: number }> {
  return withClient(address, async (client) => {
    const md = await client.request(3, 12, { topics: [{ name: topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    const t = md.topics.find((x: any) => x.name === topic);
    if (!t) throw new Error(`metadata has no ${topic}`);
    if (t.errorCode !== 0) throw new Error(`metadata for ${topic}: error ${t.errorCode}`);
    const partitions: PartitionView[] = t.partitions
      .map((p: any) => ({ partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: [...p.replicaNodes], isr: [...p.isrNodes], offline: [...p.offlineReplicas] }))
      .sort((a: PartitionView, b: PartitionView) => a.partition - b.partition);
    return { partitions, brokers: new Map(md.brokers.map((b: any) => [b.nodeId, `${b.host}:${b.port}`])), controllerId: md.controllerId };
  });
}

/** The controller's own durable record of a topic's partitions (cluster-metadata.json, replaced atomically on each decision). */
export function persistedState(dataDir: string, topic: string): PartitionView[] {
  const md = JSON.parse(fs.readFileSync(path.join(dataDir, 'cluster-metadata.json'), 'utf8'));
  const t = md.topics.find((x: any) => x.name === topic);
  if (!t) throw new Error(`no ${topic} in the persisted metadata`);
  return t.partitions.map((p: any) => ({ partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: p.replicas, isr: p.isr, offline: [] }));
}

export interface ProduceOutcome {
  errorCode: number;
  baseOffset: number;
  errorMessage: string | null;
}

export function keyedBatch(values: { key?: string; value: string }[]): Buffer {
  return buildRecordBatch({ records: values.map((v) => ({ key: v.key === undefined ? null : Buffer.from(v.key), value: Buffer.from(v.value) })) });
}

/** Produce v7 of one batch to one partition; returns the partition's answer. */
export async function producePartition(client: RawClient, topic: string, partition: number, acks: number, records: Buffer, timeoutMs = 5000): Promise<ProduceOutcome> {
  const res = await client.request(0, 7, { transactionalId: null, acks, timeoutMs, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  const p = res.responses[0].partitionResponses[0];
  return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset), errorMessage: p.errorMessage ?? null };
}

/** Produce to the partition's current leader, opening a fresh connection. */
export async function produceTo(bootstrap: string[], topic: string, partition: number, acks: number, values: { key?: string; value: string }[], timeoutMs = 5000): Promise<ProduceOutcome> {
  const { partitions, brokers } = await metadataView(bootstrap.find(Boolean)!, topic);
  const leader = partitions[partition]!.leader;
  if (leader < 0) throw new Error(`${topic}-${partition} has no leader`);
  return withClient(brokers.get(leader)!, (c) => producePartition(c, topic, partition, acks, keyedBatch(values), timeoutMs));
}

/** The segment files of one replica, in offset order. */
export function replicaSegments(dataDir: string, nodeId: number, topic: string, partition: number): string[] {
  const dir = path.join(dataDir, `broker-${nodeId}`, `${topic}-${partition}`);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => /^\d{20}\.log$/.test(f)).sort().map((f) => path.join(dir, f));
}

/** All bytes of one replica's log (segment files concatenated). */
export function replicaLogBytes(dataDir: string, nodeId: number, topic: string, partition: number): Buffer {
  return Buffer.concat(replicaSegments(dataDir, nodeId, topic, partition).map((f) => fs.readFileSync(f)));
}

/** Whole batches of a replica's log read from its files (a torn tail is ignored). */
export function replicaBatches(dataDir: string, nodeId: number, topic: string, partition: number): Buffer[] {
  const out: Buffer[] = [];
  for (const file of replicaSegments(dataDir, nodeId, topic, partition)) {
    const buf = fs.readFileSync(file);
    let pos = 0;
    while (buf.length - pos >= BATCH_HEADER_SIZE) {
      const size = buf.readInt32BE(pos + 8) + LOG_OVERHEAD;
      if (size < BATCH_HEADER_SIZE || pos + size > buf.length) break;
      out.push(buf.subarray(pos, pos + size));
      pos += size;
    }
  }
  return out;
}

/** Every record of a replica's log, decoded from its segment files. */
export async function replicaRecords(dataDir: string, nodeId: number, topic: string, partition: number): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = [];
  for (const batch of replicaBatches(dataDir, nodeId, topic, partition)) {
    if (readBatchHeader(batch, 0).isControl) continue;
    out.push(...(await decodeBatchRecords(batch)));
  }
  return out;
}

/** The log end offset of a replica, from its files. */
export function replicaEndOffset(dataDir: string, nodeId: number, topic: string, partition: number): number {
  const batches = replicaBatches(dataDir, nodeId, topic, partition);
  return batches.length === 0 ? 0 : readBatchHeader(batches[batches.length - 1]!, 0).lastOffset + 1;
}

/** Latest offset (ListOffsets -1, i.e. the high watermark) of every partition, asked of each leader. */
export async function endOffsets(bootstrap: string[], topic: string): Promise<number[]> {
  const { partitions, brokers } = await metadataView(bootstrap[0]!, topic);
  const out: number[] = [];
  for (const p of partitions) {
    if (p.leader < 0) throw new Error(`${topic}-${p.partition} has no leader`);
    out.push(
      await withClient(brokers.get(p.leader)!, async (c) => {
        const res = await c.request(2, 1, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: p.partition, timestamp: -1 }] }] });
        const r = res.topics[0].partitions[0];
        if (r.errorCode !== 0) throw new Error(`ListOffsets ${topic}-${p.partition}: error ${r.errorCode}`);
        return Number(r.offset);
      }),
    );
  }
  return out;
}
