// Remote clusters with listener security, through the contract: a second embedded cluster on
// its own ports with SASL (PLAIN, SCRAM-SHA-256/512) over TLS, and a third requiring client
// certificates. Good credentials work end to end; bad credentials, an unreachable address, a
// TLS mismatch and a silent listener each come back as a clear error within the configured
// timeouts, while the sandbox keeps answering.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConfigInput, TestConnectionResult } from '../../electron/contract/index.js';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { requirePeer } from '../helpers/peers.js';
import { makeTestCerts, opensslCheck, type TestCerts } from '../helpers/test-certs.js';
import { startHarness, type Harness } from './harness.js';

const openssl = requirePeer('openssl', opensslCheck);
const USERS = [
  { mechanism: 'PLAIN', username: 'ops-plain', password: 'plain-pw' },
  { mechanism: 'SCRAM-SHA-256', username: 'ops-256', password: 'scram-256-pw' },
  { mechanism: 'SCRAM-SHA-512', username: 'ops-512', password: 'scram-512-pw' },
] as const;
const CONNECT_MS = 1_000;
const REQUEST_MS = 1_500;
// Test connection is bounded by connect + request + 500 ms; the rest is test-side slack.
const TEST_BOUND_MS = CONNECT_MS + REQUEST_MS + 500 + 500;

describe.skipIf(!openssl.available)('remote clusters with TLS and SASL', () => {
  let h: Harness;
  let certs: TestCerts;
  let secured: TestCluster;
  let mtls: TestCluster;
  let blackHole: net.Server;
  const held: net.Socket[] = [];
  let blackHolePort = 0;
  let closedPort = 0;

  const base = (over: Partial<ClusterConfigInput> = {}): ClusterConfigInput => ({
    name: 'secured',
    bootstrapServers: secured.bootstrap,
    tls: { enabled: true, ca: certs.ca },
    sasl: { mechanism: 'SCRAM-SHA-512', username: 'ops-512', password: 'scram-512-pw' },
    connectionTimeoutMs: CONNECT_MS,
    requestTimeoutMs: REQUEST_MS,
    ...over,
  });
  /** Runs a test connection and checks it failed with `code` in time, while the sandbox stays responsive. */
  const expectFailure = async (config: ClusterConfigInput, code: string, message?: RegExp): Promise<TestConnectionResult> => {
    const started = Date.now();
    const pending = h.api.call('clusters.testConfig', config);
    const sandboxStarted = Date.now();
    expect((await h.api.call('clusters.overview', { clusterId: 'sandbox' })).brokers).toHaveLength(3);
    expect(Date.now() - sandboxStarted).toBeLessThan(1_000);
    const r = await pending;
    expect(Date.now() - started).toBeLessThan(TEST_BOUND_MS);
    expect(r.ok).toBe(false);
    expect(r.error?.code, JSON.stringify(r.error)).toBe(code);
    if (message) expect(r.error?.message).toMatch(message);
    return r;
  };

  beforeAll(async () => {
    certs = makeTestCerts();
    const tls = { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca };
    [h, secured, mtls] = await Promise.all([
      startHarness(),
      startTestCluster({ security: { tls, sasl: { users: USERS.map((u) => ({ ...u })) } } }),
      startTestCluster({ security: { tls: { ...tls, requireClientCert: true } } }),
    ]);
    blackHole = net.createServer((s) => void held.push(s));
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', () => r()));
    blackHolePort = (blackHole.address() as net.AddressInfo).port;
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
  }, 60_000);

  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise<void>((r) => (blackHole ? blackHole.close(() => r()) : r()));
    await Promise.all([h?.close(), secured?.destroy(), mtls?.destroy()]);
    certs?.cleanup();
  });

  it.each(USERS.map((u) => [u.mechanism, u] as const))('%s over TLS: test, create, produce, browse, overview', async (mechanism, user) => {
    const saved = await h.api.call('clusters.add', base({ name: `secured-${mechanism}`, sasl: { mechanism, username: user.username, password: user.password } }));
    expect(saved).toMatchObject({ tls: { enabled: true, hasCa: true }, sasl: { mechanism, username: user.username, hasPassword: true } });
    expect(await h.api.call('clusters.test', { clusterId: saved.id })).toMatchObject({ ok: true, brokerCount: 3, clusterId: secured.clusterId });
    const topic = `sec-${mechanism.toLowerCase()}`;
    await h.api.call('topics.create', { clusterId: saved.id, topic, partitions: 2, replicationFactor: 3 });
    await h.api.call('messages.produce', { clusterId: saved.id, topic, key: 'k', value: `hello ${mechanism}`, compression: 'zstd' });
    const got = await h.api.call('messages.browse', { clusterId: saved.id, topic, start: { from: 'beginning' } });
    expect(got.messages.map((m) => m.value?.text)).toEqual([`hello ${mechanism}`]);
    const detail = await h.api.call('topics.get', { clusterId: saved.id, topic });
    expect(detail.sizeBytes).toBeGreaterThan(0);
    expect(detail.partitions.every((p) => p.isr.length === 3)).toBe(true);
    const o = await h.api.call('clusters.overview', { clusterId: saved.id });
    expect(o).toMatchObject({ clusterId: secured.clusterId, underReplicatedPartitions: 0 });
    // The remote cluster is not the sandbox: the topic exists only there.
    expect((await h.api.call('topics.list', { clusterId: 'sandbox', search: topic })).total).toBe(0);
    await h.api.call('clusters.remove', { clusterId: saved.id });
  });

  it('reports a wrong password or an unknown user as AUTH_FAILED', async () => {
    await expectFailure(base({ sasl: { mechanism: 'SCRAM-SHA-512', username: 'ops-512', password: 'wrong' } }), 'AUTH_FAILED');
    await expectFailure(base({ sasl: { mechanism: 'SCRAM-SHA-256', username: 'nobody', password: 'x' } }), 'AUTH_FAILED');
    await expectFailure(base({ sasl: { mechanism: 'PLAIN', username: 'ops-plain', password: 'nope' } }), 'AUTH_FAILED');
    // A user exists for one mechanism only, as in Kafka.
    await expectFailure(base({ sasl: { mechanism: 'SCRAM-SHA-256', username: 'ops-512', password: 'scram-512-pw' } }), 'AUTH_FAILED');
  });

  it('reports a saved cluster with a bad password on every call, not only on test', async () => {
    const saved = await h.api.call('clusters.add', base({ name: 'bad-pw', sasl: { mechanism: 'SCRAM-SHA-512', username: 'ops-512', password: 'wrong' } }));
    const started = Date.now();
    await expect(h.api.call('topics.list', { clusterId: saved.id })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(Date.now() - started).toBeLessThan(TEST_BOUND_MS * 2);
    // Fixing the password (the other fields resent, the secret replaced) makes it work.
    await h.api.call('clusters.update', { clusterId: saved.id, ...base({ name: 'bad-pw' }) });
    expect((await h.api.call('clusters.test', { clusterId: saved.id })).ok).toBe(true);
    // Omitting the password on update keeps the stored one.
    const { password: _dropped, ...saslWithoutPassword } = base().sasl!;
    await h.api.call('clusters.update', { clusterId: saved.id, ...base({ name: 'renamed', sasl: saslWithoutPassword }) });
    expect((await h.api.call('clusters.test', { clusterId: saved.id })).ok).toBe(true);
    await h.api.call('clusters.remove', { clusterId: saved.id });
  });

  it('reports TLS mismatches as TLS_ERROR or a clear connection error', async () => {
    // Untrusted server certificate: no CA given, so the system roots are used.
    await expectFailure(base({ tls: { enabled: true } }), 'TLS_ERROR', /not trusted; add the CA/);
    // TLS client against a plaintext listener (the sandbox).
    const sandbox = (await h.api.call('sandbox.status', {})).bootstrap;
    await expectFailure(base({ bootstrapServers: sandbox, sasl: undefined }), 'TLS_ERROR', /does not speak TLS/);
    // Plaintext client against a TLS listener: the server hangs up on the plaintext request.
    const r = await expectFailure(base({ tls: undefined }), 'CONNECTION_FAILED');
    expect(r.error).toMatchObject({ code: 'CONNECTION_FAILED', message: expect.stringMatching(/enable TLS/) });
    // Skipping verification accepts the self-signed chain (the user's explicit choice).
    expect(await h.api.call('clusters.testConfig', base({ tls: { enabled: true, skipVerify: true } }))).toMatchObject({ ok: true });
  });

  it('connects with a client certificate when the cluster requires one, and explains when it is missing', async () => {
    const mtlsBase = { name: 'mtls', bootstrapServers: mtls.bootstrap, connectionTimeoutMs: CONNECT_MS, requestTimeoutMs: REQUEST_MS };
    const saved = await h.api.call('clusters.add', { ...mtlsBase, tls: { enabled: true, ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } });
    expect(saved.tls).toMatchObject({ hasClientCert: true, hasClientKey: true });
    expect(await h.api.call('clusters.test', { clusterId: saved.id })).toMatchObject({ ok: true, brokerCount: 3 });
    expect((await h.api.call('topics.list', { clusterId: saved.id, includeInternal: true })).total).toBeGreaterThanOrEqual(0);
    const r = await h.api.call('clusters.testConfig', { ...mtlsBase, tls: { enabled: true, ca: certs.ca } });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'TLS_ERROR', message: expect.stringMatching(/requires a client certificate/) });
    await h.api.call('clusters.remove', { clusterId: saved.id });
  });

  it('times out on a silent listener and fails fast on a closed port, with TLS and SASL configured', async () => {
    await expectFailure(base({ bootstrapServers: [`127.0.0.1:${blackHolePort}`] }), 'TIMEOUT');
    await expectFailure(base({ bootstrapServers: [`127.0.0.1:${closedPort}`] }), 'CONNECTION_FAILED');
    const silent = await h.api.call('clusters.add', base({ name: 'silent', bootstrapServers: [`127.0.0.1:${blackHolePort}`] }));
    const started = Date.now();
    const stuck = h.api.call('groups.list', { clusterId: silent.id }).catch((e: unknown) => e);
    expect((await h.api.call('topics.list', { clusterId: 'sandbox' })).items).toBeDefined();
    expect(await stuck).toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(CONNECT_MS + REQUEST_MS * 2 + 1_000 + 1_000);
  });
});
