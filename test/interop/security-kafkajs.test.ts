// kafkajs 2.2.4 — the client the console ships — against secured listeners: SASL PLAIN,
// SCRAM-SHA-256 and SCRAM-SHA-512 over TLS (admin, acks=all produce to an RF 3 topic,
// group consume), a wrong password surfacing SASL_AUTHENTICATION_FAILED while a good
// client keeps working, and mTLS with and without a client certificate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { makeTestCerts, opensslCheck, type TestCerts } from '../helpers/test-certs.js';
import { requirePeer } from '../helpers/peers.js';
import { handlerFor } from '../../embedded-broker/apis/api-table.js';
import { withTimeout } from './support.js';

const { Kafka, logLevel } = kafkajs;
const openssl = requirePeer('openssl', opensslCheck);
const groupsAvailable = handlerFor(10) !== undefined;

const USERS = [
  { mechanism: 'PLAIN', username: 'kj-plain', password: 'plain-secret' },
  { mechanism: 'SCRAM-SHA-256', username: 'kj-256', password: 'scram-256-secret' },
  { mechanism: 'SCRAM-SHA-512', username: 'kj-512', password: 'scram-512-secret' },
] as const;

type Mechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

describe.skipIf(!openssl.available)('kafkajs against secured listeners', () => {
  let certs: TestCerts;
  let saslSsl: TestCluster;
  let mtls: TestCluster;

  beforeAll(async () => {
    certs = makeTestCerts();
    const tls = { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca };
    [saslSsl, mtls] = await Promise.all([
      startTestCluster({ security: { tls, sasl: { users: USERS.map((u) => ({ ...u })) } } }),
      startTestCluster({ security: { tls: { ...tls, requireClientCert: true } } }),
    ]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([saslSsl?.destroy(), mtls?.destroy()]);
    certs?.cleanup();
  });

  const saslClient = (mechanism: Mechanism, username: string, password: string) =>
    new Kafka({
      clientId: `keel-secure-${mechanism}`,
      brokers: saslSsl.bootstrap,
      ssl: { ca: [certs.ca] },
      sasl: { mechanism, username, password } as kafkajs.SASLOptions,
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 100 },
      connectionTimeout: 5000,
    });

  it.each(USERS.map((u) => [u.mechanism, u] as const))('%s over TLS: admin, acks=all produce to RF 3, group consume', async (_name, user) => {
    const kafka = saslClient(user.mechanism.toLowerCase() as Mechanism, user.username, user.password);
    const topic = `kj-secure-${user.mechanism.toLowerCase()}`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2, replicationFactor: 3 }] });
      const producer = kafka.producer();
      await producer.connect();
      const values = Array.from({ length: 10 }, (_, i) => `${user.mechanism}-${i}`);
      await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value })) });
      await producer.disconnect();
      const md = await admin.fetchTopicMetadata({ topics: [topic] });
      for (const p of md.topics[0]!.partitions) expect(p.isr).toHaveLength(3);
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(10);

      if (groupsAvailable) {
        const consumer = kafka.consumer({ groupId: `kj-secure-group-${user.mechanism}`, sessionTimeout: 10_000, heartbeatInterval: 500 });
        await consumer.connect();
        const seen: string[] = [];
        try {
          await consumer.subscribe({ topic, fromBeginning: true });
          await withTimeout(
            new Promise<void>((resolve, reject) => {
              consumer
                .run({
                  eachMessage: async ({ message }) => {
                    seen.push(message.value!.toString());
                    if (seen.length === values.length) resolve();
                  },
                })
                .catch(reject);
            }),
            20_000,
            'group consume',
          );
        } finally {
          await consumer.disconnect();
        }
        expect(seen.sort()).toEqual([...values].sort());
      }
    } finally {
      await admin.disconnect();
    }
  });

  it.each(USERS.map((u) => [u.mechanism, u] as const))('%s with a wrong password surfaces SASL_AUTHENTICATION_FAILED; a good client keeps working', async (_name, user) => {
    const mechanism = user.mechanism.toLowerCase() as Mechanism;
    const bad = saslClient(mechanism, user.username, 'not-the-password').admin();
    const error = await bad.connect().then(
      () => null,
      (err: Error) => err,
    );
    await bad.disconnect().catch(() => {});
    expect(error).not.toBeNull();
    expect(error!.name).toBe('KafkaJSSASLAuthenticationError');
    expect(error!.message).toContain(`Authentication failed: invalid credentials with SASL mechanism ${user.mechanism}`);
    const good = saslClient(mechanism, user.username, user.password).admin();
    await good.connect();
    expect((await good.describeCluster()).brokers).toHaveLength(3);
    await good.disconnect();
  });

  it('mTLS: kafkajs without a client certificate cannot connect; with one it produces acks=all to RF 3', async () => {
    const noCert = new Kafka({ brokers: mtls.bootstrap, ssl: { ca: [certs.ca] }, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 3000 }).admin();
    await expect(withTimeout(noCert.connect(), 15_000, 'refused connect')).rejects.toThrow();
    await noCert.disconnect().catch(() => {});

    const kafka = new Kafka({ brokers: mtls.bootstrap, ssl: { ca: [certs.ca], cert: certs.clientCert, key: certs.clientKey }, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'kj-mtls', numPartitions: 1, replicationFactor: 3 }] });
    const producer = kafka.producer();
    await producer.connect();
    const [result] = await producer.send({ topic: 'kj-mtls', acks: -1, messages: [{ value: 'over mtls' }] });
    expect(result!.errorCode).toBe(0);
    await producer.disconnect();
    await admin.disconnect();
  });
});
