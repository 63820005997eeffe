// The wire fuzzer: several connections send mutated valid requests and random frames at a
// cluster, reconnecting whenever the broker closes one (which is the expected answer to most
// of them). It watches for the failures that matter: the broker stops answering a fresh
// client (hang or crash), or — measured by the caller for an in-process cluster — memory that
// keeps growing. Runs are bounded by iterations and seconds and reproducible from the seed.
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { RawClient } from '../helpers/raw-client.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';
import { buildCorpus, type Seed } from './fuzz-corpus.js';
import { MUTATIONS, MUTATION_NAMES, Rng } from './fuzz-mutations.js';
import { readPartition } from './raw-read.js';

export interface FuzzOptions {
  bootstrap: string[];
  iterations: number;
  seconds: number;
  seed: number;
  /** Concurrent fuzzing connections (default 4). */
  connections?: number;
  /** How long to wait for an answer or a close before sending the next frame (default 40 ms). */
  waitMs?: number;
  /** A fresh client must get an ApiVersions answer this often (default every 250 frames). */
  probeEvery?: number;
  topic?: string;
  log?: (line: string) => void;
}

export interface FuzzStats {
  seed: number;
  iterations: number;
  answered: number;
  closedByBroker: number;
  silent: number;
  reconnects: number;
  probes: number;
  elapsedMs: number;
  seeds: number;
  byMutation: Record<string, { sent: number; answered: number; closed: number }>;
  /** Set when the broker stopped answering a clean client; includes the frames sent just before. */
  failure: string | null;
}

interface Sent { mutation: string; seed: string; hex: string }

class FuzzSocket {
  private socket: net.Socket;
  private buffered = 0;
  private pending: Buffer[] = [];
  private waiter: ((what: 'answered' | 'closed') => void) | null = null;
  closed = false;

  constructor(readonly address: string) {
    const i = address.lastIndexOf(':');
    this.socket = net.connect({ host: address.slice(0, i), port: Number(address.slice(i + 1)) });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      this.waiter?.('closed');
    });
  }

  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed) reject(new Error('closed'));
      this.socket.once('connect', () => resolve());
      this.socket.once('close', () => reject(new Error(`connect to ${this.address} failed`)));
    });
  }

  /** Counts whole response frames; their content is not interpreted. */
  private onData(chunk: Buffer): void {
    this.pending.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) return;
      const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
      const size = all.readInt32BE(0);
      if (all.length < 4 + size) {
        this.pending = [all];
        return;
      }
      const rest = all.subarray(4 + size);
      this.pending = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.waiter?.('answered');
    }
  }

  send(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  waitForActivity(ms: number): Promise<'answered' | 'closed' | 'silent'> {
    if (this.closed) return Promise.resolve('closed');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve('silent');
      }, ms);
      this.waiter = (what) => {
        clearTimeout(timer);
        this.waiter = null;
        resolve(what);
      };
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A clean client's ApiVersions round trip on a fresh connection to each broker. */
async function probe(bootstrap: string[], timeoutMs: number): Promise<string | null> {
  for (const address of bootstrap) {
    try {
      const client = await RawClient.connectTo(address, timeoutMs);
      try {
        const res = await client.request(18, 0, {});
        if (res.errorCode !== 0) return `${address}: ApiVersions answered error ${res.errorCode}`;
      } finally {
        client.close();
      }
    } catch (err) {
      return `${address}: ${(err as Error).message}`;
    }
  }
  return null;
}

/** Creates the fuzz topic (if needed) with a little data and returns the seed corpus. */
export async function prepare(bootstrap: string[], topic: string): Promise<Seed[]> {
  const client = await RawClient.connectTo(bootstrap[0]!);
  try {
    const versions = await client.request(18, 3, { clientSoftwareName: 'keel-fuzz', clientSoftwareVersion: '1' });
    const created = await client.request(19, 5, { topics: [{ name: topic, numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    const code = created.topics[0].errorCode;
    if (code !== 0 && code !== 36) throw new Error(`creating ${topic}: error ${code}`);
    const md = await client.request(3, 12, { topics: [{ name: topic }], allowAutoTopicCreation: false });
    const t = md.topics[0];
    const seeds = buildCorpus(versions.apiKeys, { topic, topicId: t.topicId, partitions: t.partitions.length });
    const leaders = new Map<number, string>(md.brokers.map((b: any) => [b.nodeId, `${b.host}:${b.port}`]));
    for (const p of t.partitions) {
      const leader = await RawClient.connectTo(leaders.get(p.leaderId)!);
      await leader.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: p.partitionIndex, records: buildRecordBatch({ records: [{ value: Buffer.from('seed') }] }) }] }] });
      leader.close();
    }
    return seeds;
  } finally {
    client.close();
  }
}

export async function fuzz(options: FuzzOptions): Promise<FuzzStats> {
  const topic = options.topic ?? 'fuzz';
  const waitMs = options.waitMs ?? 40;
  const probeEvery = options.probeEvery ?? 250;
  const log = options.log ?? (() => undefined);
  const rng = new Rng(options.seed);
  const seeds = await prepare(options.bootstrap, topic);
  const stats: FuzzStats = { seed: options.seed, iterations: 0, answered: 0, closedByBroker: 0, silent: 0, reconnects: 0, probes: 0, elapsedMs: 0, seeds: seeds.length, byMutation: {}, failure: null };
  for (const m of MUTATION_NAMES) stats.byMutation[m] = { sent: 0, answered: 0, closed: 0 };
  const recent: Sent[] = [];
  const started = Date.now();
  const deadline = started + options.seconds * 1000;
  let stop = false;
  let sinceProbe = 0;

  const worker = async (index: number) => {
    let conn: FuzzSocket | null = null;
    let silentInRow = 0;
    while (!stop) {
      if (stats.iterations >= options.iterations || Date.now() >= deadline) break;
      if (!conn || conn.closed) {
        if (conn) stats.reconnects++;
        conn = new FuzzSocket(options.bootstrap[(index + stats.reconnects) % options.bootstrap.length]!);
        try {
          await conn.ready();
        } catch (err) {
          stats.failure ??= `cannot connect: ${(err as Error).message}`;
          stop = true;
          break;
        }
        silentInRow = 0;
      }
      if (stats.iterations >= options.iterations) break;
      const seed = rng.pick(seeds);
      const mutation = rng.next() < 0.08 ? 'none' : rng.pick(MUTATION_NAMES);
      const bytes = MUTATIONS[mutation]!(seed.frame, rng);
      recent.push({ mutation, seed: seed.name, hex: bytes.subarray(0, 512).toString('hex') });
      if (recent.length > 32) recent.shift();
      stats.iterations++;
      sinceProbe++;
      stats.byMutation[mutation]!.sent++;
      conn.send(bytes);
      if (rng.next() < 0.03) {
        // Hang up with the request in flight, as crashing or impatient clients do.
        conn.destroy();
        conn = null;
        stats.reconnects++;
        continue;
      }
      const outcome = await conn.waitForActivity(waitMs);
      if (outcome === 'answered') {
        stats.answered++;
        stats.byMutation[mutation]!.answered++;
        silentInRow = 0;
      } else if (outcome === 'closed') {
        stats.closedByBroker++;
        stats.byMutation[mutation]!.closed++;
      } else {
        stats.silent++;
        // A lying size prefix leaves the broker waiting for bytes that never come: start over.
        if (++silentInRow >= 3) {
          conn.destroy();
          conn = null;
          stats.reconnects++;
        }
      }
      if (sinceProbe >= probeEvery && index === 0) {
        sinceProbe = 0;
        stats.probes++;
        const problem = await probe(options.bootstrap, 5000);
        if (problem) {
          stats.failure = `broker stopped answering a clean client after ${stats.iterations} frames: ${problem}`;
          stop = true;
        }
      }
    }
    conn?.destroy();
  };

  await Promise.all(Array.from({ length: options.connections ?? 4 }, (_, i) => worker(i)));
  if (!stats.failure) {
    stats.probes++;
    const problem = await probe(options.bootstrap, 5000);
    if (problem) stats.failure = `broker stopped answering a clean client at the end: ${problem}`;
  }
  if (stats.failure) {
    stats.failure += `\nseed ${options.seed}; last frames sent:\n${recent.map((r) => `  ${r.seed} ${r.mutation}: ${r.hex}`).join('\n')}`;
  }
  stats.elapsedMs = Date.now() - started;
  log(`fuzz: ${stats.iterations} frames in ${stats.elapsedMs} ms (seed ${options.seed}): ${stats.answered} answered, ${stats.closedByBroker} closed by the broker, ${stats.silent} unanswered, ${stats.reconnects} reconnects`);
  return stats;
}

/** After fuzzing: Metadata, CreateTopics, Produce and Fetch by a clean client, with the data read back. */
export async function checkCleanClient(bootstrap: string[], topic: string): Promise<void> {
  const client = await RawClient.connectTo(bootstrap[0]!, 5000);
  try {
    const created = await client.request(19, 5, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    if (created.topics[0].errorCode !== 0) throw new Error(`CreateTopics ${topic}: error ${created.topics[0].errorCode}`);
    const md = await client.request(3, 1, { topics: [{ name: topic }] });
    const p = md.topics[0].partitions[0];
    const leader = md.brokers.find((b: any) => b.nodeId === p.leaderId);
    if (!leader) throw new Error(`no leader for ${topic}-0 in metadata`);
    const lc = await RawClient.connect(leader.host, leader.port, 5000);
    const values = ['after-fuzz-1', 'after-fuzz-2', 'after-fuzz-3'];
    try {
      const res = await lc.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: buildRecordBatch({ records: values.map((v) => ({ value: Buffer.from(v) })) }) }] }] });
      const pr = res.responses[0].partitionResponses[0];
      if (pr.errorCode !== 0 || pr.baseOffset !== 0) throw new Error(`Produce to ${topic}: error ${pr.errorCode}, base offset ${pr.baseOffset}`);
    } finally {
      lc.close();
    }
    const contents = await readPartition(bootstrap[0]!, topic, 0);
    const got = contents.records.map((r) => r.value?.toString());
    if (JSON.stringify(got) !== JSON.stringify(values)) throw new Error(`read back ${JSON.stringify(got)}, expected ${JSON.stringify(values)}`);
  } finally {
    client.close();
  }
}

export interface MemorySample { rss: number; heapUsed: number; external: number }

let gcFn: (() => void) | null | undefined;
/** A full GC where possible: `node --expose-gc`, else V8's flag set at run time. */
export function collectGarbage(): boolean {
  if (gcFn === undefined) {
    gcFn = (globalThis as { gc?: () => void }).gc ?? null;
    if (!gcFn) {
      try {
        v8.setFlagsFromString('--expose-gc');
        gcFn = vm.runInNewContext('gc') as () => void;
      } catch {
        gcFn = null;
      }
    }
  }
  if (!gcFn) return false;
  gcFn();
  gcFn();
  return true;
}

export async function sampleMemory(): Promise<MemorySample> {
  // Let closed sockets and finished timers release what they hold before measuring.
  await new Promise((r) => setTimeout(r, 50));
  collectGarbage();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}
