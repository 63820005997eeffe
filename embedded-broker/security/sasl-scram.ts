// SCRAM-SHA-256/512 (RFC 5802, RFC 7677) as Kafka speaks it: two round trips,
// client-first → server-first (nonce, salt, iterations), client-final (proof) →
// server-final (server signature). No channel binding, as in Kafka. Usernames follow
// SCRAM's saslname escaping (=2C for ',', =3D for '='). The client half is used by
// inter-broker connections and tests.
import crypto from 'node:crypto';
import {
  deriveScramKeys,
  hmac,
  scramHash,
  type CredentialStore,
  type ScramCredential,
  type ScramHash,
  type ScramMechanism,
} from './credentials.js';
import { invalidCredentials, SaslAuthenticationError } from './sasl-errors.js';
import type { SaslServerExchange } from './sasl-exchange.js';

function escapeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function unescapeSaslName(name: string): string {
  if (/=(?!2C|3D)/.test(name)) throw new SaslAuthenticationError(`Invalid SCRAM username: ${name}`);
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** "k=v,k=v" → ordered [key, value] pairs; attributes are one letter, Kafka's extensions words. */
function attributes(message: string): [string, string][] {
  return message.split(',').map((part) => {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/s.exec(part);
    if (!m) throw new SaslAuthenticationError(`Invalid SCRAM message attribute "${part}"`);
    return [m[1]!, m[2]!];
  });
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function newNonce(): string {
  // base64url: printable and never ',' (RFC 5802's nonce alphabet).
  return crypto.randomBytes(24).toString('base64url');
}

export class ScramServerExchange implements SaslServerExchange {
  complete = false;
  username: string | null = null;
  private stage: 'client-first' | 'client-final' | 'done' = 'client-first';
  private readonly hash: ScramHash;
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private user = '';
  private credential: ScramCredential | null = null;

  constructor(
    private readonly store: CredentialStore,
    readonly mechanism: ScramMechanism,
  ) {
    this.hash = scramHash(mechanism);
  }

  evaluate(token: Buffer): Buffer {
    const message = token.toString('utf8');
    if (this.stage === 'client-first') return this.clientFirst(message);
    if (this.stage === 'client-final') return this.clientFinal(message);
    throw new SaslAuthenticationError(`SCRAM exchange already complete`);
  }

  private clientFirst(message: string): Buffer {
    const m = /^([^,]*),([^,]*),(.*)$/s.exec(message);
    if (!m) throw new SaslAuthenticationError('Invalid SCRAM client-first message');
    const [, cbind, authzidPart, bare] = m as unknown as [string, string, string, string];
    if (cbind.startsWith('p=')) throw new SaslAuthenticationError('SCRAM channel binding is not supported');
    if (cbind !== 'n' && cbind !== 'y') throw new SaslAuthenticationError(`Invalid SCRAM GS2 header flag "${cbind}"`);
    const attrs = attributes(bare);
    if (attrs[0]?.[0] === 'm') throw new SaslAuthenticationError('SCRAM mandatory extensions are not supported');
    if (attrs[0]?.[0] !== 'n' || attrs[1]?.[0] !== 'r' || !attrs[1][1]) {
      throw new SaslAuthenticationError('Invalid SCRAM client-first message: expected n=username,r=nonce');
    }
    const username = unescapeSaslName(attrs[0][1]);
    if (!username) throw new SaslAuthenticationError('Authentication failed: username not specified');
    for (const [key, value] of attrs.slice(2)) {
      // Kafka's one extension, delegation tokens, has no meaning here.
      if (key === 'tokenauth' && value.toLowerCase() === 'true') throw new SaslAuthenticationError('SCRAM delegation tokens are not supported');
    }
    if (authzidPart !== '') {
      if (!authzidPart.startsWith('a=') || unescapeSaslName(authzidPart.slice(2)) !== username) {
        throw new SaslAuthenticationError('Authentication failed: Client requested an authorization id that is different from username');
      }
    }
    this.gs2Header = `${cbind},${authzidPart},`;
    this.clientFirstBare = bare;
    this.user = username;
    this.credential = this.store.scramCredential(this.mechanism, username);
    const salt = this.credential?.salt ?? this.store.fakeScramSalt(this.mechanism, username);
    const iterations = this.credential?.iterations ?? 4096;
    this.nonce = attrs[1][1] + newNonce();
    this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${iterations}`;
    this.stage = 'client-final';
    return Buffer.from(this.serverFirst, 'utf8');
  }

  private clientFinal(message: string): Buffer {
    this.stage = 'done';
    const proofAt = message.lastIndexOf(',p=');
    if (proofAt < 0) throw new SaslAuthenticationError('Invalid SCRAM client-final message: no proof');
    const withoutProof = message.slice(0, proofAt);
    const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
    const attrs = attributes(withoutProof);
    if (attrs[0]?.[0] !== 'c' || attrs[1]?.[0] !== 'r') throw new SaslAuthenticationError('Invalid SCRAM client-final message: expected c=…,r=…');
    if (attrs[0][1] !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) {
      throw new SaslAuthenticationError('Invalid SCRAM client-final message: channel binding does not match the GS2 header');
    }
    // Kafka only checks that the nonce ends with the combined one, and librdkafka 2.0 relies
    // on it (it sends client nonce + combined nonce). The fresh server part still binds the
    // proof to this exchange.
    if (!attrs[1][1].endsWith(this.nonce)) throw new SaslAuthenticationError('Invalid SCRAM client-final message: nonce mismatch');
    const credential = this.credential;
    if (!credential || proof.length !== this.hash.length) throw invalidCredentials(this.mechanism);
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientKey = xor(proof, hmac(this.hash, credential.storedKey, authMessage));
    const storedKey = crypto.createHash(this.hash.digest).update(clientKey).digest();
    if (!crypto.timingSafeEqual(storedKey, credential.storedKey)) throw invalidCredentials(this.mechanism);
    this.complete = true;
    this.username = this.user;
    const serverSignature = hmac(this.hash, credential.serverKey, authMessage);
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
  }
}

/** The client half: first() → final(serverFirst) → verifyServerFinal(serverFinal). */
export class ScramClient {
  private readonly hash: ScramHash;
  private readonly clientNonce = newNonce();
  private clientFirstBare = '';
  private serverSignature: Buffer | null = null;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly username: string,
    private readonly password: string,
  ) {
    this.hash = scramHash(mechanism);
  }

  first(): Buffer {
    this.clientFirstBare = `n=${escapeSaslName(this.username)},r=${this.clientNonce}`;
    return Buffer.from(`n,,${this.clientFirstBare}`, 'utf8');
  }

  final(serverFirstToken: Buffer): Buffer {
    const serverFirst = serverFirstToken.toString('utf8');
    const attrs = new Map(attributes(serverFirst));
    const nonce = attrs.get('r') ?? '';
    const salt = Buffer.from(attrs.get('s') ?? '', 'base64');
    const iterations = Number(attrs.get('i'));
    if (!nonce.startsWith(this.clientNonce) || nonce === this.clientNonce) throw new Error('SCRAM: server nonce does not extend the client nonce');
    if (!Number.isInteger(iterations) || iterations < 1 || salt.length === 0) throw new Error(`SCRAM: bad server-first message "${serverFirst}"`);
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const { clientKey, storedKey, serverKey } = deriveScramKeys(this.hash, this.password, salt, iterations);
    const proof = xor(clientKey, hmac(this.hash, storedKey, authMessage));
    this.serverSignature = hmac(this.hash, serverKey, authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  verifyServerFinal(serverFinalToken: Buffer): void {
    const attrs = new Map(attributes(serverFinalToken.toString('utf8')));
    if (attrs.has('e')) throw new Error(`SCRAM: server error ${attrs.get('e')}`);
    const signature = Buffer.from(attrs.get('v') ?? '', 'base64');
    if (!this.serverSignature || signature.length !== this.serverSignature.length || !crypto.timingSafeEqual(signature, this.serverSignature)) {
      throw new Error('SCRAM: server signature does not verify');
    }
  }
}
