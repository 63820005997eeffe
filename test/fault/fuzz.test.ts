// A short fuzzing run inside `npm test` (the long runs are `npm run fuzz`): thousands of
// mutated and random frames at an in-process cluster, after which a clean client still works,
// no handler threw, and the heap is back to about where it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { checkCleanClient, fuzz, sampleMemory } from './fuzzer.js';

const MB = 1024 * 1024;
const SEED = Number(process.env.KEEL_FUZZ_SEED ?? 20240611);

let cluster: TestCluster;
const brokerErrors: string[] = [];

beforeAll(async () => {
  cluster = await startTestCluster({
    logger: (level, message) => {
      if (level === 'error') brokerErrors.push(message.split('\n').slice(0, 4).join(' | '));
    },
  });
});

afterAll(async () => {
  await cluster?.destroy();
});

describe('wire fuzzing', () => {
  it('survives mutated and random frames: clean client works, no handler threw, memory bounded', { timeout: 45_000 }, async () => {
    // Warm-up so first-use compilation and caches are not counted as growth.
    await fuzz({ bootstrap: cluster.bootstrap, iterations: 400, seconds: 4, seed: SEED ^ 0x5eed, topic: 'fuzz-warmup' });
    const before = await sampleMemory();
    const stats = await fuzz({ bootstrap: cluster.bootstrap, iterations: 6000, seconds: 10, seed: SEED, connections: 4 });
    const after = await sampleMemory();
    process.stdout.write(`fuzz seed ${SEED}: ${stats.iterations} frames in ${stats.elapsedMs} ms, ${stats.answered} answered, ${stats.closedByBroker} closed; heap ${(before.heapUsed / MB).toFixed(1)} → ${(after.heapUsed / MB).toFixed(1)} MB, rss ${(before.rss / MB).toFixed(0)} → ${(after.rss / MB).toFixed(0)} MB\n`);

    expect(stats.failure).toBeNull();
    expect(stats.iterations).toBeGreaterThan(500);
    // The broker both answers and refuses: the corpus reaches the handlers, mutations reach the guards.
    expect(stats.answered).toBeGreaterThan(stats.iterations / 10);
    expect(stats.closedByBroker).toBeGreaterThan(stats.iterations / 10);
    expect([...new Set(brokerErrors)]).toEqual([]);

    await checkCleanClient(cluster.bootstrap, `fuzz-check-${SEED}`);
    const kafka = new Kafka({ clientId: 'after-fuzz', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toContain(`fuzz-check-${SEED}`);

    expect(after.heapUsed - before.heapUsed).toBeLessThan(48 * MB);
    expect(after.rss - before.rss).toBeLessThan(256 * MB);
  });
});
