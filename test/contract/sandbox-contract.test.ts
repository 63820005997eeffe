// Every contract method through the web transport against the embedded 3-broker sandbox.
// afterAll checks that this file called every method in the contract table.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError, methodNames, metricsMethods, type MethodInput, type MethodName, type MethodOutput } from '../../electron/contract/index.js';
import { partitionForKey } from '../../electron/services/partitioner.js';
import { startHarness, waitFor, type Harness } from './harness.js';

let h: Harness;
const called = new Set<string>();
const sb = 'sandbox';
async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  called.add(method);
  return h.api.call(method, input);
}
async function callError<M extends MethodName>(method: M, input: MethodInput<M>): Promise<ContractError> {
  try {
    await call(method, input);
  } catch (err) {
    expect(err).toBeInstanceOf(ContractError);
    return err as ContractError;
  }
  throw new Error(`${method} unexpectedly succeeded`);
}

beforeAll(async () => {
  h = await startHarness();
  expect(h.services.sandbox.error).toBeNull();
});
afterAll(async () => {
  await h?.close();
});

describe('sandbox through the contract', () => {
  it('reports app info and the running sandbox', async () => {
    expect(await call('app.info', {})).toMatchObject({ shell: 'web', secretsStorage: 'user-file' });
    const status = await call('sandbox.status', {});
    expect(status.running).toBe(true);
    expect(status.brokers.map((b) => b.nodeId)).toHaveLength(3);
    expect(status.bootstrap).toHaveLength(3);
    expect(status.dataDir).toBe(path.join(h.dir, 'sandbox'));
    const clusters = await call('clusters.list', {});
    expect(clusters[0]).toMatchObject({ id: sb, kind: 'sandbox', bootstrapServers: status.bootstrap });
    expect(await call('clusters.get', { clusterId: sb })).toMatchObject({ id: sb });
  });

  it('gives a cluster overview', async () => {
    const o = await call('clusters.overview', { clusterId: sb });
    expect(o.brokers).toHaveLength(3);
    expect(o.brokers.filter((b) => b.isController)).toHaveLength(1);
    expect(o.version.apiVersions.some((a) => a.apiKey === 3)).toBe(true);
    expect(o.offlinePartitions).toBe(0);
  });

  it('creates, lists, searches, pages, details and deletes topics', async () => {
    for (const name of ['orders', 'orders-dlq', 'payments']) {
      expect(await call('topics.create', { clusterId: sb, topic: name, partitions: 3, replicationFactor: 3 })).toEqual({ ok: true });
    }
    expect((await callError('topics.create', { clusterId: sb, topic: 'orders', partitions: 1, replicationFactor: 1 })).code).toBe('ALREADY_EXISTS');
    const found = await call('topics.list', { clusterId: sb, search: 'ORDERS' });
    expect(found.items.map((t) => t.name)).toEqual(['orders', 'orders-dlq']);
    const page = await call('topics.list', { clusterId: sb, limit: 1, offset: 1 });
    expect(page.total).toBeGreaterThanOrEqual(3);
    expect(page.items).toHaveLength(1);
    const detail = await call('topics.get', { clusterId: sb, topic: 'orders' });
    expect(detail.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(detail.partitions.every((p) => p.leader !== null && p.highWatermark === '0' && p.replicas.length === 3 && p.sizeBytes === 0)).toBe(true);
    expect(detail).toMatchObject({ replicationFactor: 3, sizeBytes: 0 });
    expect(await call('topics.delete', { clusterId: sb, topic: 'payments' })).toEqual({ ok: true });
    await waitFor(async () => !(await call('topics.list', { clusterId: sb })).items.some((t) => t.name === 'payments'), 10_000, 'payments deleted');
    expect((await callError('topics.get', { clusterId: sb, topic: 'payments' })).code).toBe('NOT_FOUND');
  });

  it('adds partitions and edits configs against Kafka defaults', async () => {
    expect(await call('topics.addPartitions', { clusterId: sb, topic: 'orders', totalPartitions: 5 })).toEqual({ ok: true });
    expect((await call('topics.get', { clusterId: sb, topic: 'orders' })).partitions).toHaveLength(5);
    expect((await callError('topics.addPartitions', { clusterId: sb, topic: 'orders', totalPartitions: 2 })).code).toBe('INVALID_INPUT');

    const before = await call('topics.getConfigs', { clusterId: sb, topic: 'orders' });
    const retention = before.find((c) => c.name === 'retention.ms');
    expect(retention).toMatchObject({ isOverridden: false });
    const after = await call('topics.updateConfigs', { clusterId: sb, topic: 'orders', set: { 'retention.ms': '123456' } });
    expect(after.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '123456', isOverridden: true, defaultValue: retention!.value });
    const reset = await call('topics.updateConfigs', { clusterId: sb, topic: 'orders', reset: ['retention.ms'] });
    expect(reset.find((c) => c.name === 'retention.ms')).toMatchObject({ value: retention!.value, isOverridden: false });
  });

  it('produces with Kafka key hashing, headers and every compression codec', async () => {
    await call('topics.create', { clusterId: sb, topic: 'keyed', partitions: 4, replicationFactor: 3 });
    for (const key of ['alpha', 'beta', 'gamma', 'delta', 'epsilon']) {
      const r = await call('messages.produce', { clusterId: sb, topic: 'keyed', key, value: `v-${key}` });
      expect(r.partition).toBe(partitionForKey(key, 4));
      expect(r.offset).not.toBeNull();
    }
    for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
      await call('messages.produce', {
        clusterId: sb, topic: 'keyed', partition: 3, key: null, compression,
        value: JSON.stringify({ compression, pad: 'x'.repeat(200) }), headers: [{ key: 'codec', value: compression }],
      });
    }
    const got = await call('messages.browse', { clusterId: sb, topic: 'keyed', partitions: [3], start: { from: 'beginning' } });
    const codecs = got.messages.filter((m) => m.headers.length > 0);
    expect(codecs.map((m) => JSON.parse(m.value!.text).compression)).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
    expect(codecs.every((m) => m.value!.encoding === 'json' && m.headers[0]!.value!.text === JSON.parse(m.value!.text).compression)).toBe(true);
    const hex = await call('messages.browse', { clusterId: sb, topic: 'keyed', partitions: [3], start: { from: 'beginning' }, decode: { value: 'hex' }, limits: { results: 1 } });
    expect(Buffer.from(hex.messages[0]!.value!.text, 'hex').toString()).toContain('"compression"');
  });

  it('deletes records up to an offset', async () => {
    await call('topics.create', { clusterId: sb, topic: 'trim', partitions: 1, replicationFactor: 3 });
    for (let i = 0; i < 5; i++) await call('messages.produce', { clusterId: sb, topic: 'trim', value: `m${i}`, partition: 0 });
    expect(await call('topics.deleteRecords', { clusterId: sb, topic: 'trim', partitions: [{ partition: 0, offset: '3' }] })).toEqual([{ partition: 0, lowWatermark: '3' }]);
    const p0 = (await call('topics.get', { clusterId: sb, topic: 'trim' })).partitions[0]!;
    expect(p0).toMatchObject({ logStartOffset: '3', highWatermark: '5' });
    const rest = await call('messages.browse', { clusterId: sb, topic: 'trim', start: { from: 'beginning' } });
    expect(rest.messages.map((m) => m.value!.text)).toEqual(['m3', 'm4']);
  });

  it('exports selected messages as JSON Lines and CSV', async () => {
    const sel = [{ partition: 0, offset: '4' }, { partition: 0, offset: '3' }];
    const jsonl = await call('messages.export', { clusterId: sb, topic: 'trim', selection: sel, format: 'jsonl' });
    expect(jsonl.count).toBe(2);
    expect(jsonl.content.trim().split('\n').map((l) => JSON.parse(l).value)).toEqual(['m3', 'm4']);
    await call('messages.produce', { clusterId: sb, topic: 'trim', partition: 0, key: 'k,1', value: 'say "hi"\nbye' });
    const csv = await call('messages.export', { clusterId: sb, topic: 'trim', selection: [{ partition: 0, offset: '5' }], format: 'csv' });
    expect(csv.mimeType).toBe('text/csv');
    expect(csv.content).toContain('"k,1","say ""hi""\nbye"');
  });

  it('live-tails new messages as push events until stopped', async () => {
    const seen: string[] = [];
    const off = h.api.on('messages.tail', (e) => seen.push(...e.messages.map((m) => m.value?.text ?? '')));
    const { subscriptionId } = await call('messages.tailStart', { clusterId: sb, topic: 'orders', filter: { text: 'keep' } });
    for (const v of ['keep-1', 'drop-2', 'keep-3']) await call('messages.produce', { clusterId: sb, topic: 'orders', key: v, value: v });
    await waitFor(async () => seen.length >= 2, 10_000, 'tail events');
    expect(seen.sort()).toEqual(['keep-1', 'keep-3']);
    expect(await call('messages.tailStop', { subscriptionId })).toEqual({ ok: true });
    expect(await call('messages.cancelBrowse', { progressToken: 'nothing-running' })).toMatchObject({ ok: true, cancelled: false });
    await call('messages.produce', { clusterId: sb, topic: 'orders', value: 'keep-after-stop' });
    await new Promise((r) => setTimeout(r, 1_200));
    expect(seen).not.toContain('keep-after-stop');
    expect((await callError('messages.tailStop', { subscriptionId })).code).toBe('NOT_FOUND');
    off();
  });
});

describe('cluster registry', () => {
  it('saves, tests, updates and removes a remote cluster without leaking secrets', async () => {
    const bootstrapServers = (await call('sandbox.status', {})).bootstrap;
    const added = await call('clusters.add', { name: 'loopback', bootstrapServers, sasl: { mechanism: 'SCRAM-SHA-256', username: 'ann', password: 's3cret-pw' } });
    expect(added).toMatchObject({ kind: 'remote', name: 'loopback', sasl: { username: 'ann', hasPassword: true } });
    expect(JSON.stringify(await call('clusters.list', {}))).not.toContain('s3cret-pw');
    const secrets = path.join(h.dir, 'settings', 'secrets.json');
    expect(fs.statSync(secrets).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(h.dir, 'settings', 'clusters.json'), 'utf8')).not.toContain('s3cret-pw');

    // Without SASL the same brokers answer: the saved cluster works through the same adapter.
    const plain = await call('clusters.update', { clusterId: added.id, name: 'loopback-plain', bootstrapServers });
    expect(plain.sasl).toBeUndefined();
    expect(await call('clusters.test', { clusterId: added.id })).toMatchObject({ ok: true, brokerCount: 3 });
    expect((await call('topics.list', { clusterId: added.id, search: 'orders' })).items.length).toBeGreaterThan(0);
    expect(await call('clusters.testConfig', { name: 'x', bootstrapServers })).toMatchObject({ ok: true });
    expect(await call('clusters.remove', { clusterId: added.id })).toEqual({ ok: true });
    expect((await callError('clusters.get', { clusterId: added.id })).code).toBe('CLUSTER_NOT_FOUND');
    expect((await callError('clusters.remove', { clusterId: sb })).code).toBe('INVALID_INPUT');
  });
});

describe('sandbox controls', () => {
  it('stops, crashes and restarts brokers and pushes sandbox.changed', async () => {
    const events: number[] = [];
    const off = h.api.on('sandbox.changed', (s) => events.push(s.brokers.filter((b) => b.state !== 'running').length));
    expect(await call('sandbox.stopBroker', { nodeId: 2 })).toEqual({ ok: true });
    expect((await call('sandbox.status', {})).brokers.find((b) => b.nodeId === 2)!.state).toBe('stopped');
    await waitFor(async () => events.length > 0, 5_000, 'sandbox.changed');
    expect(await call('sandbox.crashBroker', { nodeId: 3 })).toEqual({ ok: true });
    expect((await call('sandbox.status', {})).brokers.find((b) => b.nodeId === 3)!.state).toBe('crashed');
    // RF 3: with two of three brokers down every partition still has a leader and its data.
    const during = await waitFor(async () => {
      const d = await call('topics.get', { clusterId: sb, topic: 'orders' });
      return d.partitions.every((p) => p.isr.length === 1) ? d : null;
    }, 10_000, 'ISR down to one');
    expect(during.partitions.every((p) => p.leader === 1 && p.offlineReplicas.length === 2)).toBe(true);
    expect((await call('clusters.overview', { clusterId: sb })).offlinePartitions).toBe(0);
    await call('sandbox.startBroker', { nodeId: 2 });
    await call('sandbox.startBroker', { nodeId: 3 });
    expect((await call('sandbox.status', {})).brokers.every((b) => b.state === 'running')).toBe(true);
    expect((await callError('sandbox.stopBroker', { nodeId: 99 })).code).toBe('NOT_FOUND');
    await waitFor(async () => (await call('clusters.overview', { clusterId: sb })).offlinePartitions === 0, 15_000, 'partitions back online');
    off();
  });

  it('adds latency to one broker and removes it', async () => {
    expect(await call('sandbox.setLatency', { nodeId: 1, ms: 150 })).toEqual({ ok: true });
    expect(await call('sandbox.setLatency', { nodeId: 1, ms: 0 })).toEqual({ ok: true });
  });

  it('moves a leader, isolates a broker and clears every fault', async () => {
    const p0 = await waitFor(async () => {
      const p = (await call('topics.get', { clusterId: sb, topic: 'trim' })).partitions[0]!;
      return p.isr.length === 3 ? p : null;
    }, 20_000, 'trim fully replicated');
    const target = p0.replicas.find((r) => r !== p0.leader)!;
    expect(await call('sandbox.moveLeader', { topic: 'trim', partition: 0, nodeId: target })).toEqual({ ok: true });
    expect((await call('topics.get', { clusterId: sb, topic: 'trim' })).partitions[0]!.leader).toBe(target);
    expect(await call('sandbox.isolateBroker', { nodeId: p0.leader!, isolated: true })).toEqual({ ok: true });
    expect((await callError('sandbox.isolateBroker', { nodeId: 42, isolated: true })).code).toBe('NOT_FOUND');
    expect(await call('sandbox.clearFaults', {})).toEqual({ ok: true });
    expect((await callError('sandbox.injectFault', { apiKey: 0, count: 1 })).code).toBe('INVALID_INPUT');
  });

  it('injects a fault that the next matching request sees', async (ctx) => {
    try {
      // Produce (0) answered once with INVALID_RECORD (87), which no client retries.
      await call('sandbox.injectFault', { apiKey: 0, errorCode: 87, count: 1 });
    } catch (err) {
      if (/not available/i.test((err as Error).message)) ctx.skip(); // broker has no fault injection yet
      throw err;
    }
    const e = await callError('messages.produce', { clusterId: sb, topic: 'trim', partition: 0, value: 'faulted' });
    expect(e.code).toBe('KAFKA_ERROR');
    expect(await call('messages.produce', { clusterId: sb, topic: 'trim', partition: 0, value: 'after-fault' })).toMatchObject({ partition: 0 });
  });
});

describe('contract coverage', () => {
  it('called every non-group method in this file (groups: see consumer-groups.test.ts)', () => {
    // History and metrics methods belong to the metrics service and its own tests.
    const metricsOwned = new Set<string>(Object.keys(metricsMethods));
    const missing = methodNames.filter((m) => !called.has(m) && !m.startsWith('groups.') && !metricsOwned.has(m));
    expect(missing).toEqual([]);
  });
});
