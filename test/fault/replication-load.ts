// Continuous acks=all load for the failover tests: one sequential kafkajs writer per
// partition (each message awaited, so per-key order is the send order), and the
// confluent-kafka-python writer in replication_producer.py. Both report every acknowledged
// message with its offset and ack time; verify() checks them against what is read back.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { spawn, type ChildProcess } from 'node:child_process';
import { SYSTEM_PYTHON } from '../helpers/peers.js';
import type { ConsumedRecord } from '../helpers/raw-consume.js';

const { Kafka, logLevel } = kafkajs;
const here = path.dirname(fileURLToPath(import.meta.url));

export interface Ack {
  partition: number;
  seq: number;
  offset: number;
  at: number;
}

export interface LoadResult {
  acked: Ack[];
  errors: { partition: number; seq: number; at: number; error: string }[];
}

export interface KafkajsLoad {
  stop(): Promise<LoadResult>;
  acked: Ack[];
}

/** Starts one awaited-send loop per partition; key "kj-<p>", value "<p>:<seq>". */
export async function startKafkajsLoad(bootstrap: string[], topic: string, partitions: number, options: { idempotent: boolean }): Promise<KafkajsLoad> {
  const kafka = new Kafka({ clientId: 'keel-failover', brokers: bootstrap, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 10 } });
  const producer = kafka.producer(
    options.idempotent
      ? { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }
      : { maxInFlightRequests: 1, allowAutoTopicCreation: false },
  );
  await producer.connect();
  const result: LoadResult = { acked: [], errors: [] };
  let running = true;
  const loops = Array.from({ length: partitions }, async (_, partition) => {
    let seq = 0;
    while (running) {
      try {
        const [meta] = await producer.send({ topic, acks: -1, timeout: 5000, messages: [{ partition, key: `kj-${partition}`, value: `${partition}:${seq}` }] });
        result.acked.push({ partition, seq, offset: Number(meta!.baseOffset), at: Date.now() });
        seq++;
      } catch (err) {
        // Not acknowledged: send the same message again (a non-idempotent retry may duplicate it).
        result.errors.push({ partition, seq, at: Date.now(), error: (err as Error).message });
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });
  return {
    acked: result.acked,
    async stop() {
      running = false;
      await Promise.all(loops);
      await producer.disconnect().catch(() => {});
      return result;
    },
  };
}

export interface PythonLoadResult extends LoadResult {
  stderr: string;
}

export interface PythonLoad {
  /** Resolves once the writer has an acknowledgement on every partition. */
  ready: Promise<void>;
  result: Promise<PythonLoadResult>;
}

const pythonChildren = new Set<ChildProcess>();

/** Kills every python writer still running, by PID (for afterEach). */
export function killPythonLoads(): void {
  for (const child of pythonChildren) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  pythonChildren.clear();
}

/** Runs replication_producer.py for `durationS` seconds; key "py-<p>", value "<p>:<seq>". */
export function startPythonLoad(bootstrap: string[], topic: string, partitions: number, durationS: number, idempotent: boolean): PythonLoad {
  const child = spawn(SYSTEM_PYTHON, [path.join(here, 'replication_producer.py'), bootstrap.join(','), topic, String(partitions), String(durationS), idempotent ? '1' : '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  pythonChildren.add(child);
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  let failReady: (err: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes('READY\n')) markReady();
  });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const killer = setTimeout(() => child.kill('SIGKILL'), (durationS + 40) * 1000);
  const result = new Promise<PythonLoadResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      pythonChildren.delete(child);
      const err = new Error(`python producer exited with ${code ?? signal}: ${stderr.slice(-3000)}`);
      failReady(err);
      if (code !== 0) return reject(err);
      try {
        const out = JSON.parse(stdout.trim().split('\n').pop()!) as { acked: [number, number, number, number][]; failed: [number, number, string][]; unflushed: number };
        if (out.unflushed !== 0) throw new Error(`python producer left ${out.unflushed} messages unflushed`);
        resolve({
          stderr,
          acked: out.acked.map(([partition, seq, at, offset]) => ({ partition, seq, at, offset })),
          errors: out.failed.map(([partition, seq, error]) => ({ partition, seq, at: 0, error })),
        });
      } catch (e) {
        reject(e as Error);
      }
    });
  });
  ready.catch(() => {});
  return { ready, result };
}

export interface Verification {
  missing: string[];
  misplaced: string[];
  outOfOrder: string[];
  duplicates: number;
  duplicatesOfAcked: number;
}

/**
 * Checks acknowledged messages against the records read back for one key prefix: each is
 * at its acknowledged offset, present once (duplicates counted), and per key the first
 * occurrences of the sequence numbers only grow.
 */
export function verify(acked: Ack[], records: ConsumedRecord[], keyPrefix: string): Verification {
  const v: Verification = { missing: [], misplaced: [], outOfOrder: [], duplicates: 0, duplicatesOfAcked: 0 };
  const byPartition = new Map<number, ConsumedRecord[]>();
  for (const r of records) {
    if (!r.key?.toString().startsWith(keyPrefix)) continue;
    const list = byPartition.get(r.partition) ?? [];
    list.push(r);
    byPartition.set(r.partition, list);
  }
  const ackedSeqs = new Map<number, Set<number>>();
  for (const a of acked) {
    const set = ackedSeqs.get(a.partition) ?? new Set<number>();
    set.add(a.seq);
    ackedSeqs.set(a.partition, set);
  }
  for (const [partition, list] of byPartition) {
    const count = new Map<number, number>();
    let lastFirst = -1;
    for (const r of list) {
      const seq = Number(r.value!.toString().split(':')[1]);
      const n = (count.get(seq) ?? 0) + 1;
      count.set(seq, n);
      if (n > 1) {
        v.duplicates++;
        if (ackedSeqs.get(partition)?.has(seq)) v.duplicatesOfAcked++;
        continue;
      }
      if (seq <= lastFirst) v.outOfOrder.push(`${partition}:${seq} after ${lastFirst}`);
      lastFirst = seq;
    }
  }
  for (const a of acked) {
    const list = byPartition.get(a.partition) ?? [];
    const at = list.find((r) => r.offset === a.offset);
    if (!at) v.missing.push(`${a.partition}:${a.seq}@${a.offset}`);
    else if (at.value!.toString() !== `${a.partition}:${a.seq}`) v.misplaced.push(`${a.partition}@${a.offset}: acked ${a.seq}, holds ${at.value!.toString()}`);
  }
  return v;
}

/** Per partition: ms from `since` to the first acknowledgement after `after` (default: since). */
export function recoveryTimes(acked: Ack[], partitions: number[], since: number, after = since): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of partitions) {
    const first = acked.filter((a) => a.partition === p && a.at > after).reduce((m, a) => Math.min(m, a.at), Infinity);
    out.set(p, first - since);
  }
  return out;
}
