// Secured listeners against other people's clients: kcat and confluent-kafka-python
// (librdkafka 2.0.2) over SASL_SSL with SCRAM-SHA-512 and over mTLS, kafka-python 2.0.2
// over SASL_PLAINTEXT with PLAIN and SCRAM-SHA-256 — which it does with SaslHandshake v0
// and raw tokens (checked in the broker's log) — and wrong passwords failing cleanly.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { KCAT, SYSTEM_PYTHON, executableCheck, pythonModuleCheck, requirePeer } from '../helpers/peers.js';
import { killChildren, run, runOk } from '../helpers/child-process.js';
import { makeTestCerts, opensslCheck, type TestCerts } from '../helpers/test-certs.js';
import { runPythonPeer } from './python-peers.js';

const kcatPeer = requirePeer('kcat', executableCheck(KCAT, ['-V']));
const confluentPeer = requirePeer('python3-confluent-kafka', pythonModuleCheck('confluent_kafka'));
const kafkaPythonPeer = requirePeer('python3-kafka', pythonModuleCheck('kafka'));
const opensslPeer = requirePeer('openssl', opensslCheck);
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python', 'secure_clients.py');

const USERS = [
  { mechanism: 'SCRAM-SHA-512', username: 'rd-user', password: 'rd-secret' },
  { mechanism: 'PLAIN', username: 'kp-plain', password: 'kp-plain-secret' },
  { mechanism: 'SCRAM-SHA-256', username: 'kp-scram', password: 'kp-scram-secret' },
] as const;

interface Cluster extends TestCluster {
  logs: string[];
}

async function startLoggedCluster(options: Parameters<typeof startTestCluster>[0]): Promise<Cluster> {
  const logs: string[] = [];
  const cluster = await startTestCluster({ ...options, logger: (level, message) => logs.push(`${level}: ${message}`) });
  return Object.assign(cluster, { logs });
}

describe.skipIf(!opensslPeer.available || !(kcatPeer.available || confluentPeer.available || kafkaPythonPeer.available))('secured listeners with peer clients', () => {
  let certs: TestCerts;
  let saslSsl: Cluster;
  let saslPlaintext: Cluster;
  let mtls: Cluster;

  beforeAll(async () => {
    certs = makeTestCerts();
    const tls = { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca };
    const sasl = { users: USERS.map((u) => ({ ...u })) };
    const config = { 'auto.create.topics.enable': 'true', 'default.replication.factor': '3' };
    [saslSsl, saslPlaintext, mtls] = await Promise.all([
      startLoggedCluster({ security: { tls, sasl }, config }),
      startLoggedCluster({ security: { sasl }, config }),
      startLoggedCluster({ security: { tls: { ...tls, requireClientCert: true } }, config }),
    ]);
  }, 30_000);

  afterEach(() => killChildren());

  afterAll(async () => {
    killChildren();
    await Promise.all([saslSsl?.destroy(), saslPlaintext?.destroy(), mtls?.destroy()]);
    certs?.cleanup();
  });

  const rdSaslSsl = (password = 'rd-secret') => [
    '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', 'sasl.username=rd-user', '-X', `sasl.password=${password}`, '-X', `ssl.ca.location=${certs.caFile}`,
  ];
  const kcat = (cluster: TestCluster, args: string[], input?: string) =>
    runOk(KCAT, ['-b', cluster.bootstrap.join(','), '-X', 'socket.timeout.ms=8000', ...args], { input, timeoutMs: 20_000 });

  describe.skipIf(!kcatPeer.available)('kcat', () => {
    it('SASL_SSL + SCRAM-SHA-512: -L, -P with acks=all to an RF 3 topic, -C reads it back', async () => {
      const md = await kcat(saslSsl, [...rdSaslSsl(), '-L', '-J']);
      expect(JSON.parse(md.stdout).brokers.map((b: { id: number }) => b.id).sort()).toEqual([1, 2, 3]);
      const lines = Array.from({ length: 20 }, (_, i) => `k${i}:v${i}`);
      await kcat(saslSsl, [...rdSaslSsl(), '-P', '-t', 'kcat-secure', '-K', ':', '-X', 'acks=all'], lines.join('\n') + '\n');
      const consumed = await kcat(saslSsl, [...rdSaslSsl(), '-C', '-t', 'kcat-secure', '-o', 'beginning', '-e', '-q', '-f', '%s\\n']);
      expect(consumed.stdout.trim().split('\n').sort()).toEqual(lines.map((l) => l.split(':')[1]).sort());
      const topic = JSON.parse((await kcat(saslSsl, [...rdSaslSsl(), '-L', '-J', '-t', 'kcat-secure'])).stdout).topics[0];
      for (const p of topic.partitions) expect(p.isrs).toHaveLength(3);
    });

    it('SASL_SSL with a wrong password fails with the broker\'s message and no hang', async () => {
      const r = await run(KCAT, ['-b', saslSsl.bootstrap[0]!, ...rdSaslSsl('wrong'), '-L', '-m', '3'], { timeoutMs: 20_000 });
      expect(r.timedOut).toBe(false);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/Authentication failed: invalid credentials with SASL mechanism SCRAM-SHA-512/);
      // A good client right after.
      await kcat(saslSsl, [...rdSaslSsl(), '-L']);
    });

    it('mTLS: without a client certificate -L fails; with one it works', async () => {
      const ca = ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${certs.caFile}`];
      const refused = await run(KCAT, ['-b', mtls.bootstrap[0]!, ...ca, '-L', '-m', '3'], { timeoutMs: 20_000 });
      expect(refused.timedOut).toBe(false);
      expect(refused.code).not.toBe(0);
      const withCert = [...ca, '-X', `ssl.certificate.location=${certs.clientCertFile}`, '-X', `ssl.key.location=${certs.clientKeyFile}`];
      const md = await kcat(mtls, [...withCert, '-L', '-J']);
      expect(JSON.parse(md.stdout).brokers).toHaveLength(3);
      await kcat(mtls, [...withCert, '-P', '-t', 'mtls-kcat', '-X', 'acks=all'], 'a\nb\nc\n');
      const consumed = await kcat(mtls, [...withCert, '-C', '-t', 'mtls-kcat', '-o', 'beginning', '-e', '-q']);
      expect(consumed.stdout.trim().split('\n').sort()).toEqual(['a', 'b', 'c']);
    });
  });

  describe.skipIf(!confluentPeer.available)('confluent-kafka-python', () => {
    const security = (password = 'rd-secret') => ({
      'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'rd-user', 'sasl.password': password, 'ssl.ca.location': certs.caFile,
    });

    it('SASL_SSL + SCRAM-SHA-512: metadata, acks=all produce and read back', async () => {
      const bootstrap = saslSsl.bootstrap.join(',');
      expect((await runPythonPeer(path.basename(SCRIPT), ['confluent', bootstrap, JSON.stringify(security()), 'metadata'])).brokers).toEqual([1, 2, 3]);
      const r = await runPythonPeer(path.basename(SCRIPT), ['confluent', bootstrap, JSON.stringify(security()), 'roundtrip', 'confluent-secure', '15']);
      expect(r.values).toEqual(Array.from({ length: 15 }, (_, i) => `v${i}`).sort());
    });

    it('a wrong password is an error, not a hang', async () => {
      const r = await run(SYSTEM_PYTHON, [SCRIPT, 'confluent', saslSsl.bootstrap[0]!, JSON.stringify(security('wrong')), 'metadata'], { timeoutMs: 25_000 });
      expect(r.timedOut).toBe(false);
      expect(r.code).not.toBe(0);
    });
  });

  describe.skipIf(!kafkaPythonPeer.available)('kafka-python', () => {
    const security = (mechanism: string, username: string, password: string) => ({
      security_protocol: 'SASL_PLAINTEXT', sasl_mechanism: mechanism, sasl_plain_username: username, sasl_plain_password: password,
    });

    it.each([
      ['PLAIN', 'kp-plain', 'kp-plain-secret'],
      ['SCRAM-SHA-256', 'kp-scram', 'kp-scram-secret'],
    ])('SASL_PLAINTEXT + %s uses SaslHandshake v0 and raw tokens: produce acks=all and read back', async (mechanism, username, password) => {
      const bootstrap = saslPlaintext.bootstrap.join(',');
      const topic = `kp-${mechanism.toLowerCase()}`;
      const r = await runPythonPeer(path.basename(SCRIPT), ['kafka-python', bootstrap, JSON.stringify(security(mechanism, username, password)), 'roundtrip', topic, '12']);
      expect(r.values).toEqual(Array.from({ length: 12 }, (_, i) => `v${i}`).sort());
      const logs = saslPlaintext.logs.join('\n');
      expect(logs).toMatch(new RegExp(`SaslHandshake v0 ${mechanism}`));
      expect(logs).toMatch(new RegExp(`authenticated as ${username} with ${mechanism} via raw tokens`));
    });

    it('a wrong PLAIN password fails the client, and the broker keeps serving', async () => {
      const r = await run(SYSTEM_PYTHON, [SCRIPT, 'kafka-python', saslPlaintext.bootstrap[0]!, JSON.stringify({ ...security('PLAIN', 'kp-plain', 'nope'), api_version_auto_timeout_ms: 4000 }), 'metadata'], { timeoutMs: 25_000 });
      expect(r.timedOut).toBe(false);
      expect(r.code).not.toBe(0);
      const ok = await runPythonPeer(path.basename(SCRIPT), ['kafka-python', saslPlaintext.bootstrap[0]!, JSON.stringify(security('PLAIN', 'kp-plain', 'kp-plain-secret')), 'metadata']);
      expect(ok.brokers).toEqual([1, 2, 3]);
    });
  });
});
