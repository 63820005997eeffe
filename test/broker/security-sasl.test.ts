// SASL on the embedded broker's listeners, over raw sockets with our own codec: the
// handshake and SaslAuthenticate state machine, PLAIN and SCRAM-SHA-256/512 with good and
// bad credentials, the raw-token exchange after SaslHandshake v0 (what kafka-python 2.x
// does), requests before authentication, and replica fetchers authenticating as the
// internal inter-broker user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { ScramClient } from '../../embedded-broker/security/sasl-scram.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';
import type { SaslUser } from '../../embedded-broker/public-types.js';

const USERS: SaslUser[] = [
  { mechanism: 'PLAIN', username: 'alice', password: 'alice-secret' },
  { mechanism: 'SCRAM-SHA-256', username: 'bob', password: 'bob-secret' },
  { mechanism: 'SCRAM-SHA-512', username: 'carol', password: 'carol,=secret' },
  { mechanism: 'SCRAM-SHA-512', username: 'd,a=ve', password: 'dave-secret' },
];

const EMPTY = Buffer.alloc(0);
const metadataRequest = { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };

function sizePrefixed(token: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(token.length, 0);
  return Buffer.concat([size, token]);
}

/** Resolves once the broker has closed the connection (rejects after 5 s). */
async function expectClosed(client: RawClient): Promise<void> {
  await expect(client.readFrame()).rejects.toThrow(/closed|ECONNRESET/);
  expect(client.closed).toBe(true);
}

async function handshake(client: RawClient, mechanism: string, version = 1) {
  return client.request(17, version, { mechanism });
}

/** SaslHandshake v1 + SaslAuthenticate (v1); returns the last SaslAuthenticate response. */
async function authenticate(client: RawClient, mechanism: SaslUser['mechanism'], username: string, password: string, authVersion = 1) {
  const hs = await handshake(client, mechanism);
  expect(hs.errorCode).toBe(0);
  if (mechanism === 'PLAIN') return client.request(36, authVersion, { authBytes: Buffer.from(`\0${username}\0${password}`) });
  const scram = new ScramClient(mechanism, username, password);
  const first = await client.request(36, authVersion, { authBytes: scram.first() });
  if (first.errorCode !== 0) return first;
  const final = await client.request(36, authVersion, { authBytes: scram.final(first.authBytes) });
  if (final.errorCode === 0) scram.verifyServerFinal(final.authBytes);
  return final;
}

describe('SASL listeners (raw wire)', () => {
  let cluster: TestCluster;
  let plainCluster: TestCluster;
  const connect = () => RawClient.connectTo(cluster.bootstrap[0]!, 5000);

  beforeAll(async () => {
    [cluster, plainCluster] = await Promise.all([startTestCluster({ security: { sasl: { users: USERS } } }), startTestCluster({ brokers: 1 })]);
  }, 30_000);

  afterAll(async () => {
    await cluster?.destroy();
    await plainCluster?.destroy();
  });

  it('ApiVersions is answered before authentication and lists SaslHandshake 0-1 and SaslAuthenticate 0-2', async () => {
    const client = await connect();
    const res = await client.request(18, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    expect(res.errorCode).toBe(0);
    expect(res.apiKeys).toContainEqual(expect.objectContaining({ apiKey: 17, minVersion: 0, maxVersion: 1 }));
    expect(res.apiKeys).toContainEqual(expect.objectContaining({ apiKey: 36, minVersion: 0, maxVersion: 2 }));
    client.close();
  });

  it('a Metadata request before authentication closes the connection', async () => {
    const client = await connect();
    client.send(3, 12, metadataRequest);
    await expectClosed(client);
  });

  it('SaslAuthenticate before SaslHandshake is ILLEGAL_SASL_STATE, then the connection closes', async () => {
    const client = await connect();
    const res = await client.request(36, 1, { authBytes: Buffer.from('\0alice\0alice-secret') });
    expect(res.errorCode).toBe(34);
    await expectClosed(client);
  });

  it('an unknown mechanism is UNSUPPORTED_SASL_MECHANISM with the enabled list, then the connection closes', async () => {
    const client = await connect();
    const res = await handshake(client, 'GSSAPI');
    expect(res.errorCode).toBe(33);
    expect(res.mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
    await expectClosed(client);
  });

  it.each([
    ['PLAIN', 'alice', 'alice-secret'],
    ['SCRAM-SHA-256', 'bob', 'bob-secret'],
    ['SCRAM-SHA-512', 'carol', 'carol,=secret'],
    ['SCRAM-SHA-512', 'd,a=ve', 'dave-secret'],
  ] as const)('%s as %s authenticates (server signature verified), then Metadata works', async (mechanism, user, password) => {
    const client = await connect();
    const res = await authenticate(client, mechanism, user, password, 2);
    expect(res.errorCode).toBe(0);
    expect(res.errorMessage).toBeNull();
    expect(Number(res.sessionLifetimeMs)).toBe(0);
    const md = await client.request(3, 12, metadataRequest);
    expect(md.brokers).toHaveLength(3);
    // A second handshake on an authenticated connection is refused.
    expect((await handshake(client, mechanism)).errorCode).toBe(34);
    client.close();
  });

  it.each([
    ['PLAIN', 'alice', 'wrong'],
    ['PLAIN', 'bob', 'bob-secret'], // bob is a SCRAM user: credentials belong to one mechanism
    ['SCRAM-SHA-256', 'bob', 'wrong'],
    ['SCRAM-SHA-256', 'carol', 'carol,=secret'], // carol is SCRAM-SHA-512 only
    ['SCRAM-SHA-512', 'nobody', 'x'],
  ] as const)('%s as %s with bad credentials: SASL_AUTHENTICATION_FAILED with a message, then closed', async (mechanism, user, password) => {
    const client = await connect();
    const res = await authenticate(client, mechanism, user, password);
    expect(res.errorCode).toBe(58);
    expect(res.errorMessage).toBe(`Authentication failed: invalid credentials with SASL mechanism ${mechanism}`);
    await expectClosed(client);
    // The broker is fine: a good client right after.
    const good = await connect();
    expect((await authenticate(good, 'SCRAM-SHA-256', 'bob', 'bob-secret')).errorCode).toBe(0);
    good.close();
  });

  it('a malformed PLAIN token fails with a message naming the problem', async () => {
    const client = await connect();
    expect((await handshake(client, 'PLAIN')).errorCode).toBe(0);
    const res = await client.request(36, 0, { authBytes: Buffer.from('just-a-name') });
    expect(res.errorCode).toBe(58);
    expect(res.errorMessage).toMatch(/Invalid SASL\/PLAIN response/);
    await expectClosed(client);
  });

  it('PLAIN after SaslHandshake v0 uses raw tokens: empty raw answer on success, then Kafka requests', async () => {
    const client = await connect();
    expect((await handshake(client, 'PLAIN', 0)).errorCode).toBe(0);
    client.writeRaw(sizePrefixed(Buffer.from('alice\0alice\0alice-secret')));
    expect(await client.readFrame()).toEqual(EMPTY);
    const md = await client.request(3, 1, { topics: null });
    expect(md.brokers).toHaveLength(3);
    client.close();
  });

  it.each(['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const)('%s after SaslHandshake v0: two raw round trips', async (mechanism) => {
    const [user, password] = mechanism === 'SCRAM-SHA-256' ? ['bob', 'bob-secret'] : ['carol', 'carol,=secret'];
    const client = await connect();
    expect((await handshake(client, mechanism, 0)).errorCode).toBe(0);
    const scram = new ScramClient(mechanism, user, password);
    client.writeRaw(sizePrefixed(scram.first()));
    const serverFirst = await client.readFrame();
    client.writeRaw(sizePrefixed(scram.final(serverFirst)));
    scram.verifyServerFinal(await client.readFrame());
    const md = await client.request(3, 1, { topics: null });
    expect(md.brokers).toHaveLength(3);
    client.close();
  });

  it('a bad password in the raw v0 exchange closes the connection without an answer', async () => {
    const client = await connect();
    expect((await handshake(client, 'PLAIN', 0)).errorCode).toBe(0);
    client.writeRaw(sizePrefixed(Buffer.from('\0alice\0nope')));
    await expectClosed(client);
    const scramClient = await connect();
    expect((await handshake(scramClient, 'SCRAM-SHA-256', 0)).errorCode).toBe(0);
    const scram = new ScramClient('SCRAM-SHA-256', 'bob', 'nope');
    scramClient.writeRaw(sizePrefixed(scram.first()));
    const serverFirst = await scramClient.readFrame();
    scramClient.writeRaw(sizePrefixed(scram.final(serverFirst)));
    await expectClosed(scramClient);
  });

  it('SaslAuthenticate after a v0 handshake is ILLEGAL_SASL_STATE', async () => {
    // After v0 the next frame is a raw token by definition, so a framed SaslAuthenticate
    // is read as a (malformed) token and the connection closes.
    const client = await connect();
    expect((await handshake(client, 'PLAIN', 0)).errorCode).toBe(0);
    client.send(36, 1, { authBytes: Buffer.from('\0alice\0alice-secret') });
    await expectClosed(client);
  });

  it('a listener without SASL answers SaslHandshake and SaslAuthenticate with ILLEGAL_SASL_STATE and stays usable', async () => {
    const client = await RawClient.connectTo(plainCluster.bootstrap[0]!, 5000);
    expect((await handshake(client, 'PLAIN')).errorCode).toBe(34);
    expect((await client.request(36, 1, { authBytes: Buffer.from('\0a\0b') })).errorCode).toBe(34);
    expect((await client.request(3, 12, metadataRequest)).brokers).toHaveLength(1);
    client.close();
  });

  it('replica fetchers authenticate as the internal user: acks=all writes to an RF 3 topic keep a full ISR', async () => {
    const admin = await connect();
    expect((await authenticate(admin, 'SCRAM-SHA-512', 'carol', 'carol,=secret')).errorCode).toBe(0);
    const created = await admin.request(19, 4, {
      topics: [{ name: 'sasl-replicated', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(created.topics[0].errorCode).toBe(0);
    const partitionState = async () => {
      const md = await admin.request(3, 12, { ...metadataRequest, topics: [{ name: 'sasl-replicated' }] });
      const p = md.topics[0]?.partitions[0];
      return { leader: md.brokers.find((b: any) => b.nodeId === p?.leaderId), isr: (p?.isrNodes ?? []) as number[] };
    };
    let state = await partitionState();
    for (let i = 0; i < 50 && !state.leader; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = await partitionState();
    }
    const producer = await RawClient.connect(state.leader.host, state.leader.port, 5000);
    expect((await authenticate(producer, 'PLAIN', 'alice', 'alice-secret')).errorCode).toBe(0);
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const records = buildRecordBatch({ records: [{ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) }] });
      const res = await producer.request(0, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'sasl-replicated', partitionData: [{ index: 0, records }] }] });
      const answer = res.responses[0].partitionResponses[0];
      expect(answer.errorCode).toBe(0);
      expect(Number(answer.baseOffset)).toBe(i);
      // Followers fetched it: acks=all did not wait for an ISR shrink.
      expect(Date.now() - started).toBeLessThan(2000);
    }
    expect((await partitionState()).isr).toHaveLength(3);
    producer.close();
    admin.close();
  });
});
