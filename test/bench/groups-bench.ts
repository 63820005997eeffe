// `npm run bench:groups`: consumer-group performance of the sandbox, run as its own process
// (the shipped bundle), driven from this process and from worker threads.
//   - rebalance time for 2..10 members joining one group: kafkajs (eager round-robin) and
//     librdkafka cooperative-sticky (confluent-kafka-python, the reference consumer settings)
//   - OffsetCommit throughput: raw pipelined requests from several connections
//   - OffsetFetch / DescribeGroups / ListGroups latency with 5,000 groups
// Prints a table and one JSON line. `--commit-only` runs just the OffsetCommit throughput part
// (the quick loop when working on the commit path).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { bundleSandbox, freeBasePort, processCpuMs, startSandboxProcess, type SandboxProcess } from './sandbox-process.js';
import { encodeRequestFrame } from '../../embedded-broker/protocol/frame.js';
import { placeKey } from '../../embedded-broker/group/coordinator-placement.js';
import { RawClient } from '../helpers/raw-client.js';
import { PeerProcess, killPeerProcesses } from '../interop/group-peer-process.js';

const PARTITIONS = 12;
const TOPIC = 'bench-groups';
const PY_SCRIPT = path.resolve(import.meta.dirname, '../interop/python/group_consumer_confluent.py');


const COMMIT_ONLY = process.argv.includes('--commit-only');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ALL_RUNNING = [true, true, true];

function stats(samples: number[]): { p50: number; p99: number; max: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? NaN, n: s.length };
}

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** n kafkajs members start together; ms until every partition is assigned across all n. */
async function kafkajsRebalance(bootstrap: string[], n: number, groupId: string): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench', brokers: bootstrap, logLevel: logLevel.NOTHING });
  const assignments = new Map<number, number[]>();
  const consumers: Consumer[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const c = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 });
      consumers.push(c);
      c.on(c.events.GROUP_JOIN, (e) => assignments.set(i, e.payload.memberAssignment[TOPIC] ?? []));
      await c.connect();
      await c.subscribe({ topic: TOPIC });
      await c.run({ eachMessage: async () => {} });
    }),
  );
  const converged = () => assignments.size === n && new Set([...assignments.values()].flat()).size === PARTITIONS && [...assignments.values()].flat().length === PARTITIONS;
  const ok = await waitUntil(converged, 60_000);
  const ms = performance.now() - started;
  await Promise.all(consumers.map((c) => c.disconnect()));
  return ok ? ms : NaN;
}

/** n reference librdkafka consumers (cooperative-sticky) start together; ms until the partitions are split among all n. */
async function librdkafkaRebalance(bootstrap: string[], n: number, groupId: string): Promise<number> {
  const started = performance.now();
  const members = Array.from({ length: n }, (_, i) => new PeerProcess('/usr/bin/python3', [PY_SCRIPT, bootstrap.join(','), groupId, TOPIC, `m${i}`, 'commit']));
  const converged = () => {
    const all = members.map((m) => m.assignment());
    return all.every((a) => a.length > 0) && new Set(all.flat()).size === PARTITIONS && all.flat().length === PARTITIONS;
  };
  const ok = await waitUntil(converged, 60_000);
  const ms = performance.now() - started;
  await Promise.all(members.map((m) => m.close(10_000)));
  return ok ? ms : NaN;
}

// Load generator for worker threads: plain JS, keeps `depth` requests in flight per connection.
const COMMIT_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const net = require('node:net');
const { conns, frame, depth, durationMs } = workerData;
let answered = 0;
const stopAt = Date.now() + durationMs;
let open = conns.length;
for (const c of conns) {
  const socket = net.connect({ host: c.host, port: c.port });
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let inFlight = 0;
  const payload = Buffer.from(frame);
  const fill = () => {
    let chunk = [];
    while (inFlight < depth && Date.now() < stopAt) { chunk.push(payload); inFlight++; }
    if (chunk.length) socket.write(Buffer.concat(chunk));
    if (inFlight === 0) { socket.destroy(); if (--open === 0) parentPort.postMessage(answered); }
  };
  socket.on('connect', fill);
  socket.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    let n = 0;
    while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) { buf = buf.subarray(4 + buf.readInt32BE(0)); n++; }
    inFlight -= n; answered += n;
    fill();
  });
  socket.on('error', (e) => { parentPort.postMessage({ error: String(e) }); });
}
`;

async function commitThroughput(bootstrap: string[], workers: number, connsPerWorker: number, depth: number, durationMs: number, partitionsPerRequest: number): Promise<{ perSecond: number; errorCode: number }> {
  // Worker w commits for one group coordinated by node (w mod 3)+1, so the load spreads over the brokers.
  const jobs: Promise<number>[] = [];
  let errorCode = 0;
  for (let w = 0; w < workers; w++) {
    const node = (w % bootstrap.length) + 1;
    let k = 0;
    while (placeKey(`commit-bench-${w}-${k}`, ALL_RUNNING) !== node) k++;
    const groupId = `commit-bench-${w}-${k}`;
    const [host, port] = bootstrap[node - 1]!.split(':');
    const body = { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: TOPIC, partitions: Array.from({ length: partitionsPerRequest }, (_, p) => ({ partitionIndex: p % PARTITIONS, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: null })) }] };
    const probe = await RawClient.connect(host!, Number(port));
    const res = await probe.request(8, 8, body);
    errorCode ||= res.topics[0].partitions[0].errorCode;
    probe.close();
    const conns = Array.from({ length: connsPerWorker }, () => ({ host: host!, port: Number(port) }));
    const frame = encodeRequestFrame(8, 8, 1, 'bench', body);
    const worker = new Worker(COMMIT_WORKER, { eval: true, workerData: { conns, frame, depth, durationMs } });
    jobs.push(
      new Promise<number>((resolve, reject) => {
        worker.once('message', (m) => (typeof m === 'number' ? resolve(m) : reject(new Error(m.error))));
        worker.once('error', reject);
      }).finally(() => worker.terminate()),
    );
  }
  const started = performance.now();
  const counts = await Promise.all(jobs);
  const elapsed = performance.now() - started;
  return { perSecond: (counts.reduce((a, b) => a + b, 0) / elapsed) * 1000, errorCode };
}

/** Creates `count` groups, each with committed offsets for every partition, through pipelined simple commits. */
async function seedGroups(bootstrap: string[], count: number): Promise<string[]> {
  const clients = await Promise.all(bootstrap.map((b) => RawClient.connectTo(b, 60_000)));
  const byNode: { apiKey: number; apiVersion: number; body: object }[][] = bootstrap.map(() => []);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const groupId = `app-group-${i}`;
    ids.push(groupId);
    byNode[placeKey(groupId, ALL_RUNNING) - 1]!.push({
      apiKey: 8,
      apiVersion: 7,
      body: { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: TOPIC, partitions: Array.from({ length: PARTITIONS }, (_, p) => ({ partitionIndex: p, committedOffset: i + p, committedLeaderEpoch: -1, committedMetadata: null })) }] },
    });
  }
  await Promise.all(
    clients.map(async (c, node) => {
      const reqs = byNode[node]!;
      for (let i = 0; i < reqs.length; i += 100) await c.pipeline(reqs.slice(i, i + 100));
    }),
  );
  for (const c of clients) c.close();
  return ids;
}

async function latency(bootstrap: string[], groups: string[], samples: number, request: (groupId: string) => { apiKey: number; apiVersion: number; body: object }, check: (res: any) => boolean): Promise<ReturnType<typeof stats>> {
  const clients = await Promise.all(bootstrap.map((b) => RawClient.connectTo(b)));
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const groupId = groups[Math.floor(Math.random() * groups.length)]!;
    const c = clients[placeKey(groupId, ALL_RUNNING) - 1]!;
    const r = request(groupId);
    const t = performance.now();
    const res = await c.request(r.apiKey, r.apiVersion, r.body);
    out.push(performance.now() - t);
    if (!check(res)) throw new Error(`unexpected answer for ${groupId}: ${JSON.stringify(res).slice(0, 200)}`);
  }
  for (const c of clients) c.close();
  return stats(out);
}

async function main() {
  await bundleSandbox();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-groups-bench-'));
  let sandbox: SandboxProcess | null = null;
  const results: Record<string, unknown> = { cpus: os.cpus().length, partitions: PARTITIONS };
  try {
    sandbox = await startSandboxProcess(dataDir, await freeBasePort(3));
    const bootstrap = sandbox.bootstrap.split(',');
    const admin = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }] });
    await admin.disconnect();

    if (COMMIT_ONLY) {
      // Sandbox CPU per request is steadier than requests/s on a shared, loaded machine.
      const cpuBefore = processCpuMs(sandbox.child.pid!);
      const single = await commitThroughput(bootstrap, 3, 6, 128, 4000, 1);
      const cpuSingle = processCpuMs(sandbox.child.pid!) - cpuBefore;
      const batched = await commitThroughput(bootstrap, 3, 6, 128, 4000, 10);
      console.log(JSON.stringify({
        offsetCommitRequestsPerSecond: Math.round(single.perSecond),
        sandboxCpuMicrosPerRequest: Math.round((cpuSingle * 1000) / (single.perSecond * 4)),
        offsetCommitPartitionsPerSecond: Math.round(batched.perSecond * 10),
        errorCode: single.errorCode || batched.errorCode,
      }));
      return;
    }
    const rebalance: Record<string, Record<string, ReturnType<typeof stats>>> = { kafkajs: {}, librdkafka: {} };
    for (const n of [2, 4, 6, 8, 10]) {
      const trials: number[] = [];
      for (let t = 0; t < 3; t++) trials.push(await kafkajsRebalance(bootstrap, n, `rb-kj-${n}-${t}`));
      rebalance.kafkajs![String(n)] = stats(trials);
    }
    const hasPython = fs.existsSync('/usr/bin/python3');
    for (const n of hasPython ? [2, 6, 10] : []) {
      const trials: number[] = [];
      for (let t = 0; t < 2; t++) trials.push(await librdkafkaRebalance(bootstrap, n, `rb-rd-${n}-${t}`));
      rebalance.librdkafka![String(n)] = stats(trials);
    }
    results.rebalanceMs = rebalance;

    // One partition per request (requests/s = commits/s), then ten per request as consumers
    // commit all their partitions at once (partition offsets committed per second).
    const single = await commitThroughput(bootstrap, 3, 6, 128, 4000, 1);
    const batched = await commitThroughput(bootstrap, 3, 6, 128, 4000, 10);
    results.offsetCommitRequestsPerSecond = Math.round(single.perSecond);
    results.offsetCommitPartitionsPerSecond = Math.round(batched.perSecond * 10);
    results.offsetCommitErrorCode = single.errorCode || batched.errorCode;

    const seedStart = performance.now();
    const groups = await seedGroups(bootstrap, 5000);
    results.seed5000GroupsMs = Math.round(performance.now() - seedStart);
    results.offsetFetchMs = await latency(bootstrap, groups, 1000, (groupId) => ({ apiKey: 9, apiVersion: 7, body: { groupId, topics: null, requireStable: false } }), (r) => r.errorCode === 0 && r.topics[0]?.partitions.length === PARTITIONS);
    results.describeGroupsMs = await latency(bootstrap, groups, 1000, (groupId) => ({ apiKey: 15, apiVersion: 5, body: { groups: [groupId], includeAuthorizedOperations: false } }), (r) => r.groups[0].errorCode === 0 && r.groups[0].groupState === 'Empty');
    const listSamples: number[] = [];
    const listClient = await RawClient.connectTo(bootstrap[0]!);
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await listClient.request(16, 4, { statesFilter: [] });
      listSamples.push(performance.now() - t);
    }
    listClient.close();
    results.listGroupsMs = stats(listSamples);
  } finally {
    killPeerProcesses();
    await sandbox?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 0) : 'n/a');
  const rows: string[][] = [['metric', 'p50', 'p99', 'max', 'n']];
  const rb = results.rebalanceMs as Record<string, Record<string, ReturnType<typeof stats>>>;
  for (const [client, byN] of Object.entries(rb)) for (const [n, s] of Object.entries(byN)) rows.push([`rebalance ms, ${client}, ${n} members`, f(s.p50), '', f(s.max), String(s.n)]);
  for (const key of ['offsetFetchMs', 'describeGroupsMs', 'listGroupsMs'] as const) {
    const s = results[key] as ReturnType<typeof stats>;
    rows.push([`${key.replace('Ms', '')} ms (5,000 groups)`, f(s.p50), f(s.p99), f(s.max), String(s.n)]);
  }
  rows.push(['OffsetCommit requests/s, 1 partition (18 conns, depth 128)', String(results.offsetCommitRequestsPerSecond), '', '', '']);
  rows.push(['partition offsets committed/s, 10 per request', String(results.offsetCommitPartitionsPerSecond), '', '', '']);
  rows.push(['seed 5,000 groups (ms)', String(results.seed5000GroupsMs), '', '', '']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  console.log(JSON.stringify(results));
}

main().catch((err) => {
  killPeerProcesses();
  console.error(err);
  process.exit(1);
});
