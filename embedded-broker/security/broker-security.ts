// The cluster's listener security: the SASL credential store, and how brokers reach each
// other through their own secured listeners. When SASL is on, the cluster makes up an
// internal user at start (random name and password, in memory only) that follower
// fetchers authenticate as — over the same SaslHandshake v1 + SaslAuthenticate path any
// client uses. With TLS, inter-broker connections present `tls.clientCert`/`clientKey`,
// or else the server certificate itself (which then must allow clientAuth when
// `requireClientCert` is set), and accept only a peer presenting the cluster's certificate.
import crypto from 'node:crypto';
import type tls from 'node:tls';
import type { ListenerSecurity } from '../public-types.js';
import type { BrokerClient } from '../replication/broker-client.js';
import { CredentialStore, type SaslMechanism } from './credentials.js';
import { ScramClient } from './sasl-scram.js';

const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

interface InterBrokerUser {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

/** A copy of the options without plaintext passwords, for the cluster to keep. */
export function redactSecurity(security: ListenerSecurity | undefined): ListenerSecurity | undefined {
  if (!security?.sasl) return security;
  return { ...security, sasl: { users: security.sasl.users.map((u) => ({ ...u, password: '<redacted>' })) } };
}

export class BrokerSecurity {
  /** Null when the listeners do not require SASL. */
  readonly credentials: CredentialStore | null = null;
  private readonly interBrokerUser: InterBrokerUser | null = null;
  /** SHA-256 fingerprint of the listeners' certificate (the first in `tls.cert`), when TLS is on. */
  private readonly listenerFingerprint: string | null = null;

  constructor(private readonly security: ListenerSecurity | undefined) {
    const tlsConfig = security?.tls;
    if (tlsConfig && (!tlsConfig.cert || !tlsConfig.key)) throw new Error('TLS listeners need both cert and key');
    if (tlsConfig && !!tlsConfig.clientCert !== !!tlsConfig.clientKey) throw new Error('tls.clientCert and tls.clientKey go together');
    if (tlsConfig) this.listenerFingerprint = new crypto.X509Certificate(tlsConfig.cert).fingerprint256;
    const users = security?.sasl?.users;
    if (!users) return;
    if (users.length === 0) throw new Error('SASL is enabled but no users are configured');
    this.credentials = new CredentialStore(users);
    const enabled = this.credentials.mechanisms();
    const mechanism = (['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const).find((m) => enabled.includes(m))!;
    this.interBrokerUser = {
      mechanism,
      username: `keel-inter-broker-${crypto.randomBytes(6).toString('hex')}`,
      password: crypto.randomBytes(32).toString('base64url'),
    };
    this.credentials.add(this.interBrokerUser);
  }

  get saslEnabled(): boolean {
    return this.credentials !== null;
  }

  /**
   * How a broker reaches another broker's listener. Every listener of the cluster presents the
   * same certificate, so that is the only one a peer may present: the chain is verified against
   * `ca` (or the certificate itself when self-signed) and the leaf must be exactly the
   * cluster's. Host names are not checked: brokers dial whatever address they advertise, which
   * the certificate need not name, and the pin is stricter than a name.
   */
  interBrokerConnectOptions(): { tls?: tls.ConnectionOptions } {
    const t = this.security?.tls;
    if (!t) return {};
    const pinned = this.listenerFingerprint!;
    return {
      tls: {
        ca: t.ca ?? t.cert,
        cert: t.clientCert ?? t.cert,
        key: t.clientKey ?? t.key,
        rejectUnauthorized: true,
        checkServerIdentity: (_host, peer) =>
          peer.fingerprint256 === pinned ? undefined : new Error(`inter-broker peer presented certificate ${peer.fingerprint256}, not the cluster's own (${pinned})`),
      },
    };
  }

  async authenticateInterBroker(client: BrokerClient): Promise<void> {
    const user = this.interBrokerUser;
    if (!user) return;
    const handshake = await client.request(SASL_HANDSHAKE, 1, { mechanism: user.mechanism });
    if (handshake.errorCode !== 0) throw new Error(`inter-broker SaslHandshake failed with error ${handshake.errorCode}`);
    const authenticate = async (token: Buffer): Promise<Buffer> => {
      const res = await client.request(SASL_AUTHENTICATE, 1, { authBytes: token });
      if (res.errorCode !== 0) throw new Error(`inter-broker SaslAuthenticate failed with error ${res.errorCode}: ${res.errorMessage}`);
      return res.authBytes as Buffer;
    };
    if (user.mechanism === 'PLAIN') {
      await authenticate(Buffer.from(`\0${user.username}\0${user.password}`, 'utf8'));
      return;
    }
    const scram = new ScramClient(user.mechanism, user.username, user.password);
    const serverFirst = await authenticate(scram.first());
    scram.verifyServerFinal(await authenticate(scram.final(serverFirst)));
  }
}
