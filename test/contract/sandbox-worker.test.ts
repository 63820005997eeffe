// The sandbox hosted on a worker thread: the message-passing proxy behaves like the in-process
// ClusterHandle (status, stop/crash/start, faults, change events, close, errors), real clients
// reach it, its data survives a restart, and the app reports a dead sandbox thread.
import fs from 'node:fs';
import { threadId } from 'node:worker_threads';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterInWorker, type WorkerClusterHandle } from '../../electron/main/sandbox-host.js';
import { tempDir } from '../helpers/embedded-cluster.js';
import { startHarness, waitFor } from './harness.js';

const { Kafka, logLevel } = kafkajs;
let dir: string;
let handle: WorkerClusterHandle;
const logs: string[] = [];

beforeAll(async () => {
  dir = tempDir('keel-worker-');
  handle = await startClusterInWorker({ brokers: 3, dataDir: dir, host: '127.0.0.1', ports: 0 }, { statusPollMs: 200 });
});
afterAll(async () => {
  await handle?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const admin = async () => {
  const a = new Kafka({ clientId: 'worker-test', brokers: handle.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
  await a.connect();
  return a;
};

describe('sandbox on a worker thread', () => {
  it('runs on another thread and serves Kafka clients', async () => {
    expect(handle.threadId).not.toBe(threadId);
    expect(handle.bootstrap).toHaveLength(3);
    expect(handle.control.status().map((b) => [b.nodeId, b.state])).toEqual([[1, 'running'], [2, 'running'], [3, 'running']]);
    const a = await admin();
    try {
      await a.createTopics({ waitForLeaders: true, topics: [{ topic: 'w', numPartitions: 6, replicationFactor: 3 }] });
      expect((await a.describeCluster()).clusterId).toBe(handle.clusterId);
    } finally {
      await a.disconnect();
    }
    // Partition counts change without a broker event: the worker's status poll carries them over.
    await waitFor(async () => handle.control.status().reduce((n, b) => n + b.leaderOf, 0) === 6, 5_000, 'leader counts');
    expect(handle.control.status().every((b) => b.replicaOf === 6)).toBe(true);
  });

  it('stops, crashes and starts brokers with status current as soon as the call returns, and pushes changes', async () => {
    let changes = 0;
    const off = handle.control.onChange(() => void changes++);
    await handle.control.stopBroker(2);
    expect(handle.control.status().find((b) => b.nodeId === 2)!.state).toBe('stopped');
    await waitFor(async () => changes > 0, 5_000, 'change event');
    await handle.control.crashBroker(3);
    expect(handle.control.status().find((b) => b.nodeId === 3)!.state).toBe('crashed');
    await handle.control.startBroker(2);
    await handle.control.startBroker(3);
    expect(handle.control.status().every((b) => b.state === 'running')).toBe(true);
    off();
    const before = changes;
    await handle.control.stopBroker(1);
    await handle.control.startBroker(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(changes).toBe(before); // unsubscribed
  });

  it('passes faults, latency, isolation and leader moves through, and returns the broker errors', async () => {
    await handle.control.injectFault({ apiKey: 3, errorCode: 31, count: 1 });
    await handle.control.setLatency(1, 5);
    await handle.control.isolateBroker(2, true);
    await handle.control.clearFaults();
    await expect(handle.control.moveLeader('no-such-topic', 0, 1) as unknown as Promise<void>).rejects.toThrow(/unknown partition/);
    await expect(handle.control.stopBroker(99)).rejects.toThrow();
    await expect(handle.control.setLatency(1, -1) as unknown as Promise<void>).rejects.toThrow(/non-negative/);
  });

  it('closes cleanly, refuses calls afterwards, and keeps the data for the next start', async () => {
    await handle.close();
    expect(await handle.exited).toEqual({ unexpected: false, reason: 'closed' });
    await expect(handle.control.stopBroker(1)).rejects.toThrow(/not running/);
    expect(handle.control.status()).toEqual([]);
    handle = await startClusterInWorker({ brokers: 3, dataDir: dir, host: '127.0.0.1', ports: 0 });
    const a = await admin();
    try {
      expect(await a.listTopics()).toContain('w');
    } finally {
      await a.disconnect();
    }
  });

  it('rejects the start with the broker error when the cluster cannot start, forwarding its log lines', async () => {
    const busy = handle.bootstrap[0]!.split(':')[1]!;
    const other = tempDir('keel-worker-busy-');
    try {
      const logger = (level: string, msg: string) => void logs.push(`${level} ${msg}`);
      await expect(startClusterInWorker({ brokers: 1, dataDir: other, host: '127.0.0.1', ports: [Number(busy)], logger })).rejects.toThrow(/EADDRINUSE|in use/i);
      expect(logs.some((l) => /^error .*EADDRINUSE/.test(l))).toBe(true);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('app services with the worker-hosted sandbox', () => {
  it('serves the contract from the worker and reports a dead sandbox thread', async () => {
    const h = await startHarness();
    try {
      const w = h.services.sandbox.handle as WorkerClusterHandle;
      expect(w.threadId).not.toBe(threadId);
      expect((await h.api.call('sandbox.status', {})).running).toBe(true);
      expect((await h.api.call('clusters.overview', { clusterId: 'sandbox' })).brokers).toHaveLength(3);
      const events: Array<{ running: boolean; error: string | null }> = [];
      h.api.on('sandbox.changed', (s) => events.push({ running: s.running, error: s.error }));
      await w.terminate();
      await waitFor(async () => events.some((e) => !e.running), 5_000, 'sandbox.changed after the thread died');
      const status = await h.api.call('sandbox.status', {});
      expect(status).toMatchObject({ running: false, brokers: [] });
      expect(status.error).toMatch(/stopped unexpectedly/);
      await expect(h.api.call('clusters.overview', { clusterId: 'sandbox' })).rejects.toMatchObject({ code: 'SANDBOX_UNAVAILABLE' });
      expect(await h.api.call('app.info', {})).toMatchObject({ shell: 'web' });
    } finally {
      await h.close();
    }
  });

  it('can still host the sandbox in the main thread', async () => {
    const h = await startHarness({ thread: 'main' });
    try {
      expect(h.services.sandbox.error).toBeNull();
      expect('threadId' in (h.services.sandbox.handle as object)).toBe(false);
      expect((await h.api.call('sandbox.status', {})).brokers).toHaveLength(3);
    } finally {
      await h.close();
    }
  });
});
