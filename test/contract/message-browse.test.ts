// Browsing a big topic: newest N across partitions, seeking by timestamp, filters (text and a
// sandboxed JS predicate), progress events and cursors that page without gaps or repeats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { ContractError, type MessageView } from '../../electron/contract/index.js';
import { startHarness, type Harness } from './harness.js';

const TOPIC = 'big';
const PARTITIONS = 4;
const PER_PARTITION = 1500;
const T0 = 1_700_000_000_000;
let h: Harness;
const sb = 'sandbox';
const id = (m: MessageView) => `${m.partition}/${m.offset}`;

beforeAll(async () => {
  h = await startHarness();
  await h.api.call('topics.create', { clusterId: sb, topic: TOPIC, partitions: PARTITIONS, replicationFactor: 1 });
  // Bulk load with kafkajs directly: message i of partition p has timestamp T0 + i*1000 + p.
  const kafka = new kafkajs.Kafka({ brokers: h.services.sandbox.handle!.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  for (let p = 0; p < PARTITIONS; p++) {
    for (let start = 0; start < PER_PARTITION; start += 500) {
      const messages = Array.from({ length: 500 }, (_, j) => {
        const i = start + j;
        return { partition: p, key: `k${i}`, value: JSON.stringify({ i, p, kind: i % 100 === 7 ? 'rare' : 'common' }), timestamp: String(T0 + i * 1000 + p) };
      });
      await producer.send({ topic: TOPIC, messages, compression: p % 2 ? kafkajs.CompressionTypes.GZIP : kafkajs.CompressionTypes.None });
    }
  }
  await producer.disconnect();
}, 120_000);
afterAll(async () => h?.close());

describe('message browse on a big topic', () => {
  it('returns the newest 100 across partitions, oldest first', async () => {
    const r = await h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, start: { from: 'newest', count: 100 } });
    expect(r.messages).toHaveLength(100);
    // The 100 newest by timestamp are the last 25 of each partition.
    const expected = [];
    for (let i = PER_PARTITION - 25; i < PER_PARTITION; i++) for (let p = 0; p < PARTITIONS; p++) expected.push(`${p}/${i}`);
    expect(r.messages.map(id)).toEqual(expected);
    expect(r.direction).toBe('backward');
  });

  it('seeks by timestamp in every partition', async () => {
    const at = T0 + 1000 * 1000; // message 1000 of each partition (+p ms, so p>0 starts at 1000 too)
    const r = await h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, start: { from: 'timestamp', timestamp: at }, limits: { results: 8 } });
    expect(r.messages.map(id)).toEqual(['0/1000', '1/1000', '2/1000', '3/1000', '0/1001', '1/1001', '2/1001', '3/1001']);
    const after = await h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, start: { from: 'timestamp', timestamp: T0 + 10_000_000 } });
    expect(after.messages).toEqual([]);
  });

  it('filters with text and with a JavaScript predicate, reporting progress', async () => {
    const progress: number[] = [];
    const off = h.api.on('messages.browseProgress', (e) => e.progressToken === 'rare-scan' && progress.push(e.scanned));
    const r = await h.api.call('messages.browse', {
      clusterId: sb, topic: TOPIC, partitions: [1], start: { from: 'beginning' },
      filter: { js: 'value.kind === "rare" && partition === 1', jsTimeoutMs: 1000 }, limits: { results: 1000 }, progressToken: 'rare-scan',
    });
    off();
    expect(r.messages.map((m) => JSON.parse(m.value!.text).i)).toEqual(Array.from({ length: 15 }, (_, k) => k * 100 + 7));
    expect(r.stats).toMatchObject({ scanned: PER_PARTITION, matched: 15, stoppedBy: 'end' });
    expect(progress.at(-1)).toBe(PER_PARTITION);
    const text = await h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, partitions: [2], start: { from: 'beginning' }, filter: { text: '"I":1499' } });
    expect(text.messages.map(id)).toEqual(['2/1499']);
  });

  it('refuses a predicate that runs too long or does not compile', async () => {
    const slow = h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, partitions: [0], start: { from: 'beginning' }, filter: { js: 'while (true) {}', jsTimeoutMs: 5 } });
    await expect(slow).rejects.toMatchObject({ code: 'FILTER_ERROR' });
    await expect(h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, filter: { js: 'value ===' } })).rejects.toBeInstanceOf(ContractError);
  });

  it('stops at the scan limit and the time budget', async () => {
    const r = await h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, partitions: [0], start: { from: 'beginning' }, filter: { text: 'no-such-thing' }, limits: { scan: 700 } });
    expect(r.stats.stoppedBy).toBe('scan');
    expect(r.stats.scanned).toBeGreaterThanOrEqual(700);
    expect(r.stats.scanned).toBeLessThan(PER_PARTITION);
  });

  it('pages forwards and backwards with cursors, without gaps or repeats', async () => {
    const seen: string[] = [];
    let page = await h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, partitions: [0, 3], start: { from: 'offset', offset: '1400' }, limits: { results: 30 } });
    seen.push(...page.messages.map(id));
    while (page.messages.length > 0) {
      page = await h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, cursor: page.nextCursor!, limits: { results: 30 } });
      seen.push(...page.messages.map(id));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(Array.from({ length: 100 }, (_, k) => [`0/${1400 + k}`, `3/${1400 + k}`]).flat().sort());

    // From the end backwards (newest first), then forward again from the second page's edge.
    const first = await h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, partitions: [2], start: { from: 'end' }, limits: { results: 10 } });
    expect(first.messages.map(id)).toEqual(Array.from({ length: 10 }, (_, k) => `2/${1499 - k}`));
    const second = await h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, cursor: first.nextCursor!, limits: { results: 10 } });
    expect(second.messages.map(id)).toEqual(Array.from({ length: 10 }, (_, k) => `2/${1489 - k}`));
    const back = await h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, cursor: second.prevCursor!, limits: { results: 5 } });
    expect(back.messages.map(id)).toEqual(['2/1490', '2/1491', '2/1492', '2/1493', '2/1494']);
    await expect(h.api.call('messages.browse', { clusterId: sb, topic: TOPIC, cursor: 'garbage' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('cancelling a browse on the server', () => {
  // About 2 ms of filtering per message, matching nothing: a full scan of one partition would take ~3 s.
  const SLOW = 'const t = Date.now(); while (Date.now() - t < 2) {} return false';

  it('stops the scan at its next check and answers with what it has', async () => {
    let firstProgress!: () => void;
    const progressed = new Promise<void>((r) => (firstProgress = r));
    const off = h.api.on('messages.browseProgress', (e) => e.progressToken === 'slow-scan' && firstProgress());
    const started = Date.now();
    const browse = h.api.call('messages.browse', {
      clusterId: sb, topic: TOPIC, partitions: [0], start: { from: 'beginning' },
      filter: { js: SLOW }, limits: { scan: 1_000_000, timeBudgetMs: 60_000 }, progressToken: 'slow-scan',
    });
    await progressed;
    off();
    const cancelledAt = Date.now();
    await expect(h.api.call('messages.cancelBrowse', { progressToken: 'slow-scan' })).resolves.toEqual({ ok: true, cancelled: true });
    const r = await browse;
    expect(r.stats.stoppedBy).toBe('cancelled');
    expect(r.stats.scanned).toBeLessThan(PER_PARTITION);
    expect(Date.now() - cancelledAt).toBeLessThan(1_000);
    expect(Date.now() - started).toBeLessThan(2_500);
    // Nothing left to cancel once it has answered.
    await expect(h.api.call('messages.cancelBrowse', { progressToken: 'slow-scan' })).resolves.toEqual({ ok: true, cancelled: false });
  });

  it('lets a caller cancel only its own browses', async () => {
    const other = await h.connect();
    const browse = h.api.call('messages.browse', {
      clusterId: sb, topic: TOPIC, partitions: [1], start: { from: 'beginning' },
      filter: { js: SLOW }, limits: { scan: 200, timeBudgetMs: 60_000 }, progressToken: 'mine',
    });
    await new Promise((r) => setTimeout(r, 100));
    await expect(other.call('messages.cancelBrowse', { progressToken: 'mine' })).resolves.toEqual({ ok: true, cancelled: false });
    const r = await browse;
    expect(r.stats.stoppedBy).toBe('scan');
  });
});
