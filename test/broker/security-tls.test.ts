// TLS on the embedded broker's listeners with openssl-made certificates: server-only TLS
// (with SASL on top), mutual TLS (no client certificate → refused; with one → served),
// replica fetchers across TLS listeners under requireClientCert (presenting the server
// certificate, or `tls.clientCert`), brokers trusting only the cluster's certificate in each
// other, and protocol mismatches failing fast.
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { makeTestCerts, opensslCheck, type TestCerts } from '../helpers/test-certs.js';
import { requirePeer } from '../helpers/peers.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';
import { BrokerSecurity } from '../../embedded-broker/security/broker-security.js';

const peer = requirePeer('openssl', opensslCheck);
const metadataRequest = { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };

function hostPort(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i), Number(address.slice(i + 1))];
}

/** Creates an RF 3 topic, writes acks=all to its leader and checks the ISR stayed whole. */
async function replicatedWrites(connect: (address: string) => Promise<RawClient>, bootstrap: string, topic: string): Promise<void> {
  const admin = await connect(bootstrap);
  const created = await admin.request(19, 4, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(created.topics[0].errorCode).toBe(0);
  const state = async () => {
    const md = await admin.request(3, 12, { ...metadataRequest, topics: [{ name: topic }] });
    const p = md.topics[0]?.partitions[0];
    const leader = md.brokers.find((b: any) => b.nodeId === p?.leaderId);
    return { leader: leader ? `${leader.host}:${leader.port}` : null, isr: (p?.isrNodes ?? []) as number[] };
  };
  let s = await state();
  for (let i = 0; i < 50 && !s.leader; i++) {
    await new Promise((r) => setTimeout(r, 100));
    s = await state();
  }
  const producer = await connect(s.leader!);
  for (let i = 0; i < 3; i++) {
    const started = Date.now();
    const records = buildRecordBatch({ records: [{ value: Buffer.from(`v${i}`) }] });
    const res = await producer.request(0, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  }
  expect((await state()).isr).toHaveLength(3);
  producer.close();
  admin.close();
}

/** Resolves with how the socket ended: 'closed' or the error message. */
function ended(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('error', (err) => resolve(err.message));
    socket.once('close', () => resolve('closed'));
  });
}

describe.skipIf(!peer.available)('TLS listeners', () => {
  let certs: TestCerts;
  let tlsSasl: TestCluster;
  let mtls: TestCluster;
  let mtlsClientCert: TestCluster;
  let plain: TestCluster;

  beforeAll(async () => {
    certs = makeTestCerts();
    const serverTls = { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca };
    [tlsSasl, mtls, mtlsClientCert, plain] = await Promise.all([
      startTestCluster({ security: { tls: serverTls, sasl: { users: [{ mechanism: 'SCRAM-SHA-256', username: 'app', password: 'app-secret' }] } } }),
      startTestCluster({ security: { tls: { ...serverTls, requireClientCert: true } } }),
      startTestCluster({ security: { tls: { ...serverTls, requireClientCert: true, clientCert: certs.clientCert, clientKey: certs.clientKey } } }),
      startTestCluster({ brokers: 1 }),
    ]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([tlsSasl?.destroy(), mtls?.destroy(), mtlsClientCert?.destroy(), plain?.destroy()]);
    certs?.cleanup();
  });

  const tlsConnect = (address: string, extra: tls.ConnectionOptions = {}) => {
    const [host, port] = hostPort(address);
    return RawClient.connect(host, port, 5000, { ca: certs.ca, ...extra });
  };

  it('serves TLS with a certificate that verifies against the CA for 127.0.0.1', async () => {
    const [host, port] = hostPort(mtls.bootstrap[0]!);
    const socket = tls.connect({ host, port, ca: certs.ca, cert: certs.clientCert, key: certs.clientKey });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    expect(socket.authorized).toBe(true);
    expect(socket.getPeerCertificate().subjectaltname).toMatch(/IP Address:127\.0\.0\.1/);
    socket.destroy();
  });

  it('TLS + SASL: a Metadata request before authentication closes the connection; after SCRAM it is served', async () => {
    const early = await tlsConnect(tlsSasl.bootstrap[0]!);
    early.send(3, 12, metadataRequest);
    await expect(early.readFrame()).rejects.toThrow(/closed/);

    const client = await tlsConnect(tlsSasl.bootstrap[0]!);
    expect((await client.request(17, 1, { mechanism: 'SCRAM-SHA-256' })).errorCode).toBe(0);
    const { ScramClient } = await import('../../embedded-broker/security/sasl-scram.js');
    const scram = new ScramClient('SCRAM-SHA-256', 'app', 'app-secret');
    const first = await client.request(36, 1, { authBytes: scram.first() });
    const final = await client.request(36, 1, { authBytes: scram.final(first.authBytes) });
    expect(final.errorCode).toBe(0);
    scram.verifyServerFinal(final.authBytes);
    expect((await client.request(3, 12, metadataRequest)).brokers).toHaveLength(3);
    client.close();
  });

  it('mTLS: a client without a certificate is refused', async () => {
    const outcome = (async () => {
      const client = await tlsConnect(mtls.bootstrap[0]!);
      // TLS 1.3 finishes the client's side of the handshake before the server checks the
      // certificate, so the refusal may arrive as the first read instead.
      await client.request(3, 12, metadataRequest);
      return 'served';
    })().catch((err: Error) => `refused: ${err.message}`);
    expect(await outcome).toMatch(/^refused: .*(certificate|closed|alert|reset)/i);
  });

  it('mTLS: a client with a CA-signed certificate is served', async () => {
    const client = await tlsConnect(mtls.bootstrap[0]!, { cert: certs.clientCert, key: certs.clientKey });
    expect((await client.request(3, 12, metadataRequest)).brokers).toHaveLength(3);
    client.close();
  });

  it('mTLS: replica fetchers present the server certificate (issued for clientAuth too) and keep the ISR whole', async () => {
    await replicatedWrites((a) => tlsConnect(a, { cert: certs.clientCert, key: certs.clientKey }), mtls.bootstrap[0]!, 'mtls-replicated');
  });

  it('mTLS: replica fetchers present tls.clientCert when it is configured', async () => {
    await replicatedWrites((a) => tlsConnect(a, { cert: certs.clientCert, key: certs.clientKey }), mtlsClientCert.bootstrap[0]!, 'mtls-client-cert');
  });

  it('inter-broker connections accept only the cluster certificate, not another one the same CA issued for the same names', async () => {
    const options = new BrokerSecurity({ tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca } }).interBrokerConnectOptions().tls!;
    const handshake = async (cert: string, key: string): Promise<string> => {
      const server = tls.createServer({ cert, key }, (socket) => socket.end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const socket = tls.connect({ ...options, host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
        return await new Promise<string>((resolve) => {
          socket.once('secureConnect', () => resolve('connected'));
          socket.once('error', (err) => resolve(err.message));
        }).finally(() => socket.destroy());
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    };
    expect(await handshake(certs.serverCert, certs.serverKey)).toBe('connected');
    // The impostor's chain and names are valid: only the pin refuses it.
    expect(await handshake(certs.otherServerCert, certs.otherServerKey)).toMatch(/not the cluster's own/);
  });

  it('a TLS client against a plaintext listener fails fast, and the listener stays healthy', async () => {
    const [host, port] = hostPort(plain.bootstrap[0]!);
    const socket = tls.connect({ host, port, ca: certs.ca });
    const started = Date.now();
    expect(await ended(socket)).not.toBe('');
    expect(Date.now() - started).toBeLessThan(3000);
    const client = await RawClient.connectTo(plain.bootstrap[0]!, 5000);
    expect((await client.request(3, 12, metadataRequest)).brokers).toHaveLength(1);
    client.close();
  });

  it('a plaintext client against a TLS listener is closed fast, and the listener stays healthy', async () => {
    const client = await RawClient.connectTo(mtls.bootstrap[0]!, 3000);
    const started = Date.now();
    client.send(18, 0, {});
    await expect(client.readFrame()).rejects.toThrow(/closed|reset/i);
    expect(Date.now() - started).toBeLessThan(3000);
    const good = await tlsConnect(mtls.bootstrap[0]!, { cert: certs.clientCert, key: certs.clientKey });
    expect((await good.request(18, 0, {})).errorCode).toBe(0);
    good.close();
  });
});
