// Failure paths of remote clusters: each returns a clear error within the configured timeout
// and the rest of the app keeps working. Plaintext cases here; TLS/SASL/mTLS clusters and their
// failures are in remote-security.test.ts.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let blackHole: net.Server;
let blackHolePort = 0;
let closedPort = 0;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  h = await startHarness();
  blackHole = net.createServer((s) => void sockets.push(s)); // accepts, never answers
  await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', () => r()));
  blackHolePort = (blackHole.address() as net.AddressInfo).port;
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => blackHole.close(() => r()));
  await h?.close();
});

describe('remote cluster failures', () => {
  it('reports an unreachable address quickly', async () => {
    const started = Date.now();
    const r = await h.api.call('clusters.testConfig', { name: 'gone', bootstrapServers: [`127.0.0.1:${closedPort}`], connectionTimeoutMs: 1000, requestTimeoutMs: 1000 });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('CONNECTION_FAILED');
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('times out on a listener that accepts and never answers, within the configured timeouts', async () => {
    const added = await h.api.call('clusters.add', { name: 'black-hole', bootstrapServers: [`127.0.0.1:${blackHolePort}`], connectionTimeoutMs: 500, requestTimeoutMs: 800 });
    const started = Date.now();
    const r = await h.api.call('clusters.test', { clusterId: added.id });
    expect(r).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    expect(Date.now() - started).toBeLessThan(500 + 800 + 1_000);

    const overviewStarted = Date.now();
    await expect(h.api.call('clusters.overview', { clusterId: added.id })).rejects.toMatchObject({ code: 'TIMEOUT' });
    // connect + request (+ one retry) + slack: bounded, not kafkajs' default minutes.
    expect(Date.now() - overviewStarted).toBeLessThan(500 + 800 * 2 + 1_000 + 500);
  });

  it('keeps the sandbox and the rest of the app working meanwhile', async () => {
    const added = await h.api.call('clusters.add', { name: 'black-hole-2', bootstrapServers: [`127.0.0.1:${blackHolePort}`], connectionTimeoutMs: 500, requestTimeoutMs: 2_000 });
    const stuck = h.api.call('topics.list', { clusterId: added.id }).catch((e) => e);
    const started = Date.now();
    const o = await h.api.call('clusters.overview', { clusterId: 'sandbox' });
    expect(o.brokers).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await stuck).toMatchObject({ code: 'TIMEOUT' });
  });
});
