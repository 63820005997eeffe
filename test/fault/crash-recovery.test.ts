// Crash recovery: a broker process is SIGKILLed while a kafkajs producer (acks=1) writes
// continuously; after each restart on the same data dir every acknowledged record must be
// at its acknowledged offset with its value, offsets must be contiguous from the log start
// to the high watermark, and every segment file must pass an offline CRC scan.
import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { tempDir } from '../helpers/embedded-cluster.js';
import { freePorts, killAllBrokers, killBroker, startBrokerProcess, type BrokerProcess } from './broker-process.js';
import { readPartition } from './raw-read.js';
import { scanDataDir } from './segment-scan.js';

const TOPIC = 'crash-test';
const PARTITIONS = 3;
const CYCLES = 4;

interface Ack { partition: number; offset: number; value: string }

function kafkaFor(bootstrap: string[]): Kafka {
  return new Kafka({ clientId: 'crash-test', brokers: bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2000, requestTimeout: 5000 });
}

/** One send loop per partition; every acknowledged message is recorded with its offset. */
function produceContinuously(producer: Producer, cycle: number, acks: Ack[]): { stop: () => Promise<number> } {
  let running = true;
  let failures = 0;
  const loops = Array.from({ length: PARTITIONS }, async (_, partition) => {
    let seq = 0;
    while (running) {
      const count = 1 + Math.floor(Math.random() * 20);
      const values = Array.from({ length: count }, () => `c${cycle}-p${partition}-${seq++}-${'x'.repeat(Math.floor(Math.random() * 400))}`);
      try {
        const meta = await producer.send({ topic: TOPIC, acks: 1, messages: values.map((value) => ({ partition, value })) });
        const base = Number(meta[0]!.baseOffset);
        values.forEach((value, i) => acks.push({ partition, offset: base + i, value }));
      } catch {
        failures++;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return failures;
    },
  };
}

async function verify(bootstrap: string, dataDir: string, acks: Ack[]): Promise<void> {
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const contents = await readPartition(bootstrap, TOPIC, partition);
    expect(contents.logStartOffset).toBe(0);
    contents.records.forEach((r, i) => {
      if (r.offset !== contents.logStartOffset + i) throw new Error(`partition ${partition}: record ${i} has offset ${r.offset}, expected ${contents.logStartOffset + i}`);
    });
    expect(contents.logStartOffset + contents.records.length).toBe(contents.highWatermark);
    for (const ack of acks) {
      if (ack.partition !== partition) continue;
      const r = contents.records[ack.offset - contents.logStartOffset];
      if (!r || r.value?.toString() !== ack.value) {
        throw new Error(`acknowledged ${TOPIC}-${partition}@${ack.offset} = ${ack.value.slice(0, 20)}… reads back as ${r ? r.value?.toString().slice(0, 20) : 'nothing'}`);
      }
    }
  }
  const scan = scanDataDir(dataDir);
  expect(scan.problems).toEqual([]);
  expect(scan.batches).toBeGreaterThan(0);
}

describe('crash recovery (SIGKILL during acks=1 produce)', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await killAllBrokers();
  });
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it(`keeps every acknowledged record across ${CYCLES} kill/restart cycles`, { timeout: 90_000 }, async () => {
    const dataDir = tempDir('keel-crash-');
    dirs.push(dataDir);
    const ports = await freePorts(3);
    let broker: BrokerProcess = await startBrokerProcess(dataDir, ports);
    const admin = kafkaFor(broker.bootstrap).admin();
    await admin.connect();
    // Small segments so the kills also land around segment rolls.
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1, configEntries: [{ name: 'segment.bytes', value: '32768' }] }],
    });
    await admin.disconnect();

    const acks: Ack[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const producer = kafkaFor(broker.bootstrap).producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
      await producer.connect();
      const before = acks.length;
      const run = produceContinuously(producer, cycle, acks);
      // Let some acknowledgements through, then kill at a random moment.
      while (acks.length - before < 50) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 700));
      killBroker(broker.child);
      await broker.exited;
      await run.stop();
      await producer.disconnect().catch(() => undefined);
      expect(acks.length - before).toBeGreaterThanOrEqual(50);

      broker = await startBrokerProcess(dataDir, ports);
      await verify(broker.bootstrap[0]!, dataDir, acks);
      const scan = scanDataDir(dataDir);
      process.stdout.write(`crash cycle ${cycle}: ${acks.length - before} acks this cycle, ${acks.length} total verified; ${scan.segments} segments, ${scan.batches} batches CRC-clean\n`);
    }
    expect(acks.length).toBeGreaterThan(CYCLES * 50);
    killBroker(broker.child);
    await broker.exited;
  });
});
