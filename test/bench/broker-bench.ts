// `npm run bench:broker`: Keel's sandbox against librdkafka's mock cluster, both driven by
// the same librdkafka load tool in the same run; then, in the same run, replication's cost
// (replication-bench.ts: acks=all RF 3 vs acks=1 RF 1, failover) and exactly-once's cost
// (txn-bench.ts: idempotent and transactional vs plain acks=all). One table, one JSON line.
//   --messages N   messages per throughput run (default 120000, 1 KiB each: librdkafka's
//                  mock keeps only about 5 MB per partition, so more would not be read back)
//   --rss-gib G    data produced before reading the sandbox's RSS (default 2)
//   --replication-seconds S, --failover-trials N   (defaults 5 and 20)
//   --txn-seconds S, --txn-rounds N                (defaults 3 and 5: txn-bench.ts)
//   --core-only    skip the replication and exactly-once sections
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { runLoad, startMockCluster } from './native-tools.js';
import { bundleSandbox, freeBasePort, startSandboxProcess, type SandboxProcess } from './sandbox-process.js';
import { runReplicationBench, type ReplicationResult } from './replication-bench.js';
import { DEFAULT_TXN_OPTIONS, runTxnBench, txnRows, type TxnResult } from './txn-bench.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '120000' },
    'rss-gib': { type: 'string', default: '2' },
    'replication-seconds': { type: 'string', default: '5' },
    'failover-trials': { type: 'string', default: '20' },
    'txn-seconds': { type: 'string', default: String(DEFAULT_TXN_OPTIONS.seconds) },
    'txn-rounds': { type: 'string', default: String(DEFAULT_TXN_OPTIONS.rounds) },
    'core-only': { type: 'boolean', default: false },
  },
});
const MESSAGES = Number(values.messages);
const RSS_GIB = Number(values['rss-gib']);
const SIZE = 1024;
const PARTITIONS = 32;


async function createTopic(bootstrap: string, topic: string, partitions: number, replicationFactor = 1, configs: Record<string, string> = {}) {
  const admin = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }] });
  await admin.disconnect();
}

async function withSandbox<T>(fn: (sandbox: SandboxProcess) => Promise<T>): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-bench-'));
  const sandbox = await startSandboxProcess(dataDir, await freeBasePort(3));
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a && b ? `${(a / b).toFixed(2)}x` : 'n/a';
}

async function main() {
  await bundleSandbox();
  const results: Record<string, unknown> = { messages: MESSAGES, messageBytes: SIZE, partitions: PARTITIONS, cpus: os.cpus().length };

  const mock = await startMockCluster(3, 'bench', PARTITIONS);
  let mockProduce, mockConsume, mockLatency;
  try {
    mockProduce = runLoad(['produce', mock.bootstrap, 'bench', String(MESSAGES), String(SIZE), '1']);
    mockConsume = runLoad(['consume', mock.bootstrap, 'bench', String(PARTITIONS), String(MESSAGES)]);
    mockLatency = runLoad(['latency', mock.bootstrap, 'bench', '300']);
  } finally {
    mock.stop();
  }

  const keel = await withSandbox(async (sandbox) => {
    await createTopic(sandbox.bootstrap, 'bench', PARTITIONS);
    await createTopic(sandbox.bootstrap, 'latency', 1);
    const produce = runLoad(['produce', sandbox.bootstrap, 'bench', String(MESSAGES), String(SIZE), '1']);
    const consume = runLoad(['consume', sandbox.bootstrap, 'bench', String(PARTITIONS), String(MESSAGES)]);
    const latency = runLoad(['latency', sandbox.bootstrap, 'latency', '300']);
    return { startMs: sandbox.startMs, produce, consume, latency };
  });

  const starts: number[] = [];
  for (let i = 0; i < 5; i++) starts.push(await withSandbox(async (s) => s.startMs));
  starts.sort((a, b) => a - b);

  const rss = await withSandbox(async (sandbox) => {
    await createTopic(sandbox.bootstrap, 'bulk', PARTITIONS);
    const count = Math.round((RSS_GIB * 1024 * 1024 * 1024) / SIZE);
    const produced = runLoad(['produce', sandbox.bootstrap, 'bulk', String(count), String(SIZE), '1'], 900_000);
    return { producedBytes: (produced.messages ?? 0) * SIZE, rssMiB: sandbox.rssBytes() / 1024 / 1024 };
  });

  let replication: ReplicationResult | null = null;
  let txn: TxnResult | null = null;
  if (!values['core-only']) {
    replication = await runReplicationBench(Number(values['replication-seconds']), Number(values['failover-trials']));
    txn = await runTxnBench({ seconds: Number(values['txn-seconds']), rounds: Number(values['txn-rounds']) });
  }

  const rows: unknown[][] = [
    ['produce MB/s (acks=1, 1 KiB, 32 partitions)', keel.produce.mbPerSec, mockProduce.mbPerSec, ratio(keel.produce.mbPerSec, mockProduce.mbPerSec), '>= 1.0x'],
    ['consume MB/s', keel.consume.mbPerSec, mockConsume.mbPerSec, ratio(keel.consume.mbPerSec, mockConsume.mbPerSec), '>= 1.0x'],
    ['produce->consume p50 ms', keel.latency.p50Ms, mockLatency.p50Ms, '', ''],
    ['produce->consume p99 ms', keel.latency.p99Ms, mockLatency.p99Ms, '', '<= 5 ms'],
    ['start to first Metadata ms (median of 5)', starts[2], '', '', '<= 300 ms'],
    [`RSS MiB after producing ${RSS_GIB} GiB`, rss.rssMiB.toFixed(0), '', '', '<= 250 MiB'],
  ];
  if (replication) {
    const { acks1Rf1, acksAllRf3, failoverMs } = replication;
    rows.push(
      ['acks=1 RF 1 MiB/s (raw pipelined producer)', acks1Rf1.mibPerSec, '', '', ''],
      ['acks=all RF 3 min.insync=2 MiB/s', acksAllRf3.mibPerSec, '', `${replication.ratio.toFixed(2)}x`, '>= 0.5x'],
      [`failover p50 / max ms (${failoverMs.trials.length} trials)`, `${failoverMs.p50} / ${failoverMs.max}`, '', '', '<= 1000 ms'],
    );
  }
  // Exactly-once (512 B, RF 3, acks=all; msg/s as median (min-max)): txn-bench.ts.
  if (txn) for (const [measure, value, ratioCell, target] of txnRows(txn)) rows.push([measure, value, '', ratioCell, target]);
  const widths = [58, 22, 12, 26, 10];
  const line = (cells: unknown[]) => cells.map((c, i) => String(c ?? '').padEnd(widths[i]!)).join(' ');
  console.log(line(['measure', 'keel', 'mock', 'ratio', 'target']));
  for (const row of rows) console.log(line(row.map((c) => (typeof c === 'number' ? c.toFixed(2) : c))));
  Object.assign(results, { keel, mock: { produce: mockProduce, consume: mockConsume, latency: mockLatency }, startMs: starts, rss, replication, txn });
  console.log(JSON.stringify(results));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
