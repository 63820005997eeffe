// Produce, live tail and export: the message actions other than browsing.
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { ContractError } from '../contract/errors.js';
import type { MessageView, MethodOutput, MethodParsedInput } from '../contract/index.js';
import type { KafkaAdapter, RawRecord } from './kafka-adapter.js';
import { compileFilter } from './js-filter.js';
import { encodeString, headerEntries, toMessageView } from './message-codec.js';
import { fetchPartitions } from './record-fetch.js';
import { topicMeta } from './topic-service.js';

const { CompressionTypes } = kafkajs;

const COMPRESSION = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
} as const;

export async function produceMessage(
  adapter: KafkaAdapter,
  input: MethodParsedInput<'messages.produce'>,
): Promise<MethodOutput<'messages.produce'>> {
  const meta = await topicMeta(adapter, input.topic);
  if (input.partition !== undefined && !meta.partitionMetadata.some((p) => p.partitionId === input.partition)) {
    throw new ContractError('NOT_FOUND', `Partition ${input.partition} of "${input.topic}" does not exist`);
  }
  const headers: Record<string, Buffer[]> = {};
  for (const h of input.headers) (headers[h.key] ??= []).push(Buffer.from(h.value, 'utf8'));
  const res = await adapter.run('Produce', async () =>
    (await adapter.producer()).send({
      topic: input.topic,
      acks: input.acks,
      compression: COMPRESSION[input.compression],
      messages: [
        {
          key: encodeString(input.key, input.encoding),
          value: encodeString(input.value, input.encoding),
          headers,
          ...(input.partition !== undefined ? { partition: input.partition } : {}),
        },
      ],
    }),
  );
  const r = res[0];
  if (!r) return { partition: input.partition ?? -1, offset: null };
  if (r.errorCode) throw new ContractError('KAFKA_ERROR', `Produce failed with Kafka error ${r.errorCode}`, r);
  const offset = r.baseOffset ?? r.offset;
  return { partition: r.partition, offset: offset !== undefined && offset !== null && Number(offset) >= 0 ? String(offset) : null };
}

interface Tail {
  stop(): void;
}

export type TailEmit = (payload: { subscriptionId: string; messages: MessageView[]; error?: { code: string; message: string } }) => void;

/** Polls partition leaders from their current end and pushes new messages until stopped. */
export async function startTail(adapter: KafkaAdapter, input: MethodParsedInput<'messages.tailStart'>, emit: TailEmit): Promise<{ subscriptionId: string; tail: Tail }> {
  const meta = await topicMeta(adapter, input.topic);
  const all = meta.partitionMetadata.map((p) => p.partitionId);
  const partitions = input.partitions ?? all;
  const predicate = compileFilter(input.filter);
  const ends = await adapter.offsets([{ topic: input.topic, partitions }], 'latest');
  const positions = new Map(partitions.map((p) => [p, ends.get(input.topic)?.get(p) ?? '0']));
  const subscriptionId = randomUUID();
  let stopped = false;
  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      try {
        const reads = await fetchPartitions(adapter, input.topic, [...positions].map(([partition, offset]) => ({ partition, offset })), { maxWaitMs: 500 });
        failures = 0;
        const out: MessageView[] = [];
        for (const [partition, read] of reads) {
          for (const rec of read.records) if (!predicate || predicate(partition, rec)) out.push(toMessageView(partition, rec, input.decode));
          if (read.nextOffset !== null) positions.set(partition, read.nextOffset);
        }
        if (stopped) break;
        out.sort((a, b) => a.timestamp - b.timestamp);
        for (let i = 0; i < out.length; i += 500) emit({ subscriptionId, messages: out.slice(i, i + 500) });
        // A broker that answers at once (no long-poll) must not turn this into a busy loop.
        if (out.length === 0) await new Promise((r) => setTimeout(r, 200));
      } catch (err) {
        const e = err instanceof ContractError ? err : new ContractError('INTERNAL', String(err));
        if (e.code === 'FILTER_ERROR' || e.code === 'NOT_FOUND' || ++failures >= 5) {
          emit({ subscriptionId, messages: [], error: { code: e.code, message: e.message } });
          stopped = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 500 * failures));
      }
    }
  };
  void loop();
  return { subscriptionId, tail: { stop: () => void (stopped = true) } };
}

/** Finds the selected records, partition by partition, reading forward from the smallest. */
async function collectSelection(adapter: KafkaAdapter, topic: string, selection: Array<{ partition: number; offset: string }>) {
  const found: Array<{ partition: number; record: RawRecord }> = [];
  const byPartition = new Map<number, bigint[]>();
  for (const s of selection) (byPartition.get(s.partition) ?? byPartition.set(s.partition, []).get(s.partition)!).push(BigInt(s.offset));
  for (const [partition, offsets] of byPartition) {
    const wanted = [...new Set(offsets)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let i = 0;
    while (i < wanted.length) {
      const read = (await fetchPartitions(adapter, topic, [{ partition, offset: wanted[i]!.toString() }])).get(partition)!;
      if (read.records.length === 0) {
        i++; // deleted, compacted away or beyond the end: skip it
        continue;
      }
      const last = BigInt(read.records[read.records.length - 1]!.offset);
      const byOffset = new Map(read.records.map((r) => [BigInt(r.offset), r]));
      while (i < wanted.length && wanted[i]! <= last) {
        const rec = byOffset.get(wanted[i]!);
        if (rec) found.push({ partition, record: rec });
        i++;
      }
    }
  }
  return found;
}

const csvCell = (s: string | null | undefined) => (s === null || s === undefined ? '' : /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export async function exportMessages(adapter: KafkaAdapter, input: MethodParsedInput<'messages.export'>): Promise<MethodOutput<'messages.export'>> {
  await topicMeta(adapter, input.topic);
  const found = await collectSelection(adapter, input.topic, input.selection);
  const views = found.map((f) => toMessageView(f.partition, f.record, input.decode));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  if (input.format === 'jsonl') {
    const lines = views.map((v) =>
      JSON.stringify({
        partition: v.partition,
        offset: v.offset,
        timestamp: v.timestamp,
        key: v.key?.text ?? null,
        keyEncoding: v.key?.encoding ?? null,
        value: v.value?.text ?? null,
        valueEncoding: v.value?.encoding ?? null,
        headers: v.headers.map((h) => ({ key: h.key, value: h.value?.text ?? null })),
      }),
    );
    return { filename: `${input.topic}-${stamp}.jsonl`, mimeType: 'application/x-ndjson', content: lines.map((l) => `${l}\n`).join(''), count: views.length };
  }
  const rows = [['partition', 'offset', 'timestamp', 'key', 'value', 'headers'].join(',')];
  for (const v of views) {
    const headers = JSON.stringify(Object.fromEntries(v.headers.map((h) => [h.key, h.value?.text ?? null])));
    rows.push([String(v.partition), v.offset, new Date(v.timestamp).toISOString(), csvCell(v.key?.text), csvCell(v.value?.text), csvCell(headers)].join(','));
  }
  return { filename: `${input.topic}-${stamp}.csv`, mimeType: 'text/csv', content: rows.map((r) => `${r}\r\n`).join(''), count: views.length };
}

export { headerEntries };
