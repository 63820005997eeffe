// `npm run bench:replication`: what replication costs in the sandbox. The cluster runs in a
// child process (the headless sandbox CLI, driven over stdin), the load in this process.
//  1. Throughput of 1 KiB messages from a pipelined raw producer: acks=1 on RF 1 topics
//     versus acks=all on RF 3 with min.insync.replicas=2 (target: at least 0.5×).
//  2. Failover: time from "stop <leader>" to the first acks=all produce acknowledged by the
//     new leader, p50 and max over 20 trials (target: at most 1 s).
// Options: --seconds S per throughput run (default 5), --trials N (default 20).
// `npm run bench:broker` runs the same measurement (runReplicationBench) in its own run.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RawClient } from '../helpers/raw-client.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';
import { decodeResponseFrame } from '../../embedded-broker/protocol/frame.js';
import { createTopic, metadataView, sleep, waitFor } from '../helpers/replication.js';

const SIZE = 1024;
const PARTITIONS = 12;
const RECORDS_PER_BATCH = 16;
const IN_FLIGHT = 8;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Sandbox {
  child: ChildProcess;
  bootstrap: string[];
  command(line: string, until: RegExp): Promise<void>;
}

async function startSandbox(dataDir: string): Promise<Sandbox> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'embedded-broker/sandbox-cli.ts'), '--data-dir', dataDir, '--port', '0'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const m = await waitFor(() => /bootstrap servers: (\S+)/.exec(out), 30_000, 'sandbox start');
  return {
    child,
    bootstrap: m[1]!.split(','),
    async command(line, until) {
      const from = out.length;
      child.stdin!.write(`${line}\n`);
      await waitFor(() => until.test(out.slice(from)), 10_000, line, 2);
    },
  };
}

/** Pipelined producer: per partition one connection to its leader and IN_FLIGHT requests outstanding. */
async function throughput(bootstrap: string[], topic: string, acks: number, seconds: number): Promise<{ msgPerSec: number; mibPerSec: number }> {
  const md = await metadataView(bootstrap[0]!, topic);
  const value = Buffer.alloc(SIZE, 0x61);
  const batch = () => buildRecordBatch({ records: Array.from({ length: RECORDS_PER_BATCH }, () => ({ value })) });
  const deadline = Date.now() + seconds * 1000;
  let acked = 0;
  const started = Date.now();
  await Promise.all(md.partitions.map(async (p) => {
    const client = await RawClient.connectTo(md.brokers.get(p.leader)!, 30_000);
    const send = () => client.send(0, 7, { transactionalId: null, acks, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: p.partition, records: batch() }] }] });
    try {
      // Continuous pipelining: a new request goes out as soon as an answer comes back.
      let outstanding = 0;
      for (; outstanding < IN_FLIGHT; outstanding++) send();
      while (outstanding > 0) {
        const frame = await client.readFrame();
        outstanding--;
        const code = decodeResponseFrame<any>(0, 7, frame).body.responses[0].partitionResponses[0].errorCode;
        if (code !== 0) throw new Error(`produce error ${code}`);
        acked += RECORDS_PER_BATCH;
        if (Date.now() < deadline) {
          send();
          outstanding++;
        }
      }
    } finally {
      client.close();
    }
  }));
  const secs = (Date.now() - started) / 1000;
  return { msgPerSec: acked / secs, mibPerSec: (acked * SIZE) / secs / (1 << 20) };
}

/** One failover trial: ms from the stop command to the first acks=all answer of the new leader. */
async function failoverTrial(sandbox: Sandbox, topic: string): Promise<number> {
  const before = (await metadataView(sandbox.bootstrap[0]!, topic)).partitions[0]!;
  const victim = before.leader;
  const alive = sandbox.bootstrap.filter((_, i) => i + 1 !== victim);
  const records = buildRecordBatch({ records: [{ value: Buffer.alloc(SIZE, 0x62) }] });
  const stoppedAt = Date.now();
  const stopped = sandbox.command(`stop ${victim}`, /stopped\n/);
  let elapsed = -1;
  while (elapsed < 0 && Date.now() - stoppedAt < 10_000) {
    try {
      const md = await metadataView(alive[0]!, topic);
      const p = md.partitions[0]!;
      if (p.leader < 0 || p.leader === victim) continue;
      const client = await RawClient.connectTo(md.brokers.get(p.leader)!, 2000);
      try {
        const res = await client.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 2000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
        if (res.responses[0].partitionResponses[0].errorCode === 0) elapsed = Date.now() - stoppedAt;
      } finally {
        client.close();
      }
    } catch {
      await sleep(5);
    }
  }
  await stopped;
  if (elapsed < 0) throw new Error(`no acknowledged produce within 10 s of stopping broker ${victim}`);
  await sandbox.command(`start ${victim}`, /started\n/);
  await waitFor(async () => {
    const p = (await metadataView(sandbox.bootstrap[0]!, topic)).partitions[0]!;
    return p.isr.length === 3 && p.leader === p.replicas[0];
  }, 20_000, 'restarted leader back in the ISR and leading');
  return elapsed;
}

export interface ReplicationResult {
  bench: 'replication';
  messageBytes: number;
  acks1Rf1: { msgPerSec: number; mibPerSec: number };
  acksAllRf3: { msgPerSec: number; mibPerSec: number };
  ratio: number;
  failoverMs: { p50: number; max: number; trials: number[] };
}

/** Throughput (acks=1 RF 1 vs acks=all RF 3) and failover trials against a fresh sandbox. */
export async function runReplicationBench(seconds = 5, trialCount = 20): Promise<ReplicationResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-repl-bench-'));
  const sandbox = await startSandbox(dataDir);
  try {
    await createTopic(sandbox.bootstrap, { name: 'bench-rf1', partitions: PARTITIONS, replicationFactor: 1 });
    await createTopic(sandbox.bootstrap, { name: 'bench-rf3', partitions: PARTITIONS, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    await createTopic(sandbox.bootstrap, { name: 'bench-failover', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    await throughput(sandbox.bootstrap, 'bench-rf1', 1, 1); // warm-up (JIT, page cache) — not reported
    const rf1 = await throughput(sandbox.bootstrap, 'bench-rf1', 1, seconds);
    const rf3 = await throughput(sandbox.bootstrap, 'bench-rf3', -1, seconds);
    const trials: number[] = [];
    for (let i = 0; i < trialCount; i++) trials.push(await failoverTrial(sandbox, 'bench-failover'));
    const sorted = [...trials].sort((a, b) => a - b);
    const p50 = sorted[Math.floor((sorted.length - 1) / 2)] ?? -1;
    const max = sorted[sorted.length - 1] ?? -1;
    return { bench: 'replication', messageBytes: SIZE, acks1Rf1: rf1, acksAllRf3: rf3, ratio: rf3.msgPerSec / rf1.msgPerSec, failoverMs: { p50, max, trials } };
  } finally {
    if (sandbox.child.pid !== undefined && sandbox.child.exitCode === null) process.kill(sandbox.child.pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, trials: { type: 'string', default: '20' } } });
  const seconds = Number(values.seconds);
  const r = await runReplicationBench(seconds, Number(values.trials));
  const { acks1Rf1: rf1, acksAllRf3: rf3, ratio, failoverMs: { p50, max, trials } } = r;
  const rows = [
    ['acks=1, RF 1 (msg/s, MiB/s)', `${rf1.msgPerSec.toFixed(0)}`, `${rf1.mibPerSec.toFixed(1)}`, ''],
    ['acks=all, RF 3, min.insync=2', `${rf3.msgPerSec.toFixed(0)}`, `${rf3.mibPerSec.toFixed(1)}`, `${ratio.toFixed(2)}× (target ≥ 0.5×) ${ratio >= 0.5 ? 'OK' : 'MISS'}`],
    [`failover p50 / max over ${trials.length} (ms)`, `${p50}`, `${max}`, `target ≤ 1000 ms ${max <= 1000 ? 'OK' : 'MISS'}`],
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  process.stdout.write(`\nKeel replication bench (${os.cpus().length} cores, ${seconds} s runs, ${SIZE} B messages, ${PARTITIONS} partitions, ${IN_FLIGHT}×${RECORDS_PER_BATCH}-record requests in flight per partition)\n`);
  for (const row of rows) process.stdout.write(`  ${row.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

// Runs only as its own entry; broker-bench.ts imports runReplicationBench.
if (path.resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`replication bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
