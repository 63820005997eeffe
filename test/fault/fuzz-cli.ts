// `npm run fuzz -- [--iterations N] [--seconds S] [--seed N] [--connections N] [--bootstrap host:port,...]`
// Fuzzes an in-process 3-broker cluster (or, with --bootstrap, an external one), then checks
// that a clean client still works and — in-process — that memory did not keep growing.
// Exit code 0 = no finding; 1 = a finding (printed with the seed and the last frames sent).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster } from '../../embedded-broker/index.js';
import { checkCleanClient, fuzz, sampleMemory, type MemorySample } from './fuzzer.js';

const MB = 1024 * 1024;

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '30' },
    seed: { type: 'string' },
    connections: { type: 'string', default: '4' },
    bootstrap: { type: 'string' },
  },
  strict: true,
});
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const iterations = Number(values.iterations);
const seconds = Number(values.seconds);
if (![seed, iterations, seconds].every(Number.isFinite)) {
  process.stderr.write('usage: npm run fuzz -- [--iterations N] [--seconds S] [--seed N] [--connections N] [--bootstrap host:port,...]\n');
  process.exit(2);
}

const errors: string[] = [];
let dataDir: string | null = null;
let bootstrap: string[];
let close = async () => undefined as void;
if (values.bootstrap) {
  bootstrap = values.bootstrap.split(',');
} else {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-fuzz-'));
  const handle = await startCluster({
    brokers: 3, dataDir, host: '127.0.0.1', ports: 0,
    logger: (level, message) => {
      if (level === 'error') errors.push(message.split('\n').slice(0, 3).join(' | '));
    },
  });
  bootstrap = handle.bootstrap;
  close = () => handle.close();
}

const fmt = (m: MemorySample) => `rss ${(m.rss / MB).toFixed(1)} MB, heap ${(m.heapUsed / MB).toFixed(1)} MB, external ${(m.external / MB).toFixed(1)} MB`;
let failed = false;
try {
  // A short warm-up first, so code compilation and caches do not count as growth.
  await fuzz({ bootstrap, iterations: Math.min(500, iterations), seconds: 5, seed: seed ^ 0x5eed, connections: Number(values.connections), topic: 'fuzz-warmup' });
  const before = await sampleMemory();
  const stats = await fuzz({ bootstrap, iterations, seconds, seed, connections: Number(values.connections), log: (l) => process.stdout.write(`${l}\n`) });
  for (const [name, s] of Object.entries(stats.byMutation)) process.stdout.write(`  ${name.padEnd(14)} sent ${s.sent}, answered ${s.answered}, closed ${s.closed}\n`);
  if (stats.failure) {
    failed = true;
    process.stdout.write(`FINDING: ${stats.failure}\n`);
  }
  try {
    await checkCleanClient(bootstrap, `fuzz-check-${seed}`);
    process.stdout.write('clean client: metadata, create, produce and fetch OK\n');
  } catch (err) {
    failed = true;
    process.stdout.write(`FINDING: clean client failed after fuzzing: ${(err as Error).message}\n`);
  }
  if (!values.bootstrap) {
    const after = await sampleMemory();
    process.stdout.write(`memory before: ${fmt(before)}\nmemory after:  ${fmt(after)}\n`);
    if (after.heapUsed - before.heapUsed > 64 * MB || after.rss - before.rss > 384 * MB) {
      failed = true;
      process.stdout.write('FINDING: memory grew beyond the bound (heap +64 MB, rss +384 MB)\n');
    }
    const unique = [...new Set(errors)];
    if (unique.length > 0) {
      process.stdout.write(`broker logged ${errors.length} errors (${unique.length} distinct); a handler threw on fuzzed input:\n${unique.slice(0, 10).map((e) => `  ${e}`).join('\n')}\n`);
    }
  }
} finally {
  await close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}
process.stdout.write(failed ? `fuzz: FINDINGS (seed ${seed})\n` : `fuzz: no findings (seed ${seed})\n`);
process.exit(failed ? 1 : 0);
