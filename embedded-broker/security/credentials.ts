// SASL users as the broker keeps them: salted, derived once at start-up. Plaintext
// passwords are read from the start options and never stored — SCRAM users keep
// RFC 5802's StoredKey/ServerKey, PLAIN users a PBKDF2 hash compared in constant time.
import crypto from 'node:crypto';
import type { SaslUser } from '../public-types.js';

export type SaslMechanism = SaslUser['mechanism'];
export type ScramMechanism = Exclude<SaslMechanism, 'PLAIN'>;

export const SASL_MECHANISMS: readonly SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** Kafka's minimum (and default) SCRAM iteration count. */
export const SCRAM_ITERATIONS = 4096;
const PLAIN_HASH_ITERATIONS = 4096;

export interface ScramHash {
  /** node:crypto digest name. */
  digest: 'sha256' | 'sha512';
  length: number;
}

export function scramHash(mechanism: ScramMechanism): ScramHash {
  return mechanism === 'SCRAM-SHA-256' ? { digest: 'sha256', length: 32 } : { digest: 'sha512', length: 64 };
}

export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

interface PlainCredential {
  salt: Buffer;
  hash: Buffer;
}

export function hmac(hash: ScramHash, key: Buffer, data: Buffer | string): Buffer {
  return crypto.createHmac(hash.digest, key).update(data).digest();
}

/** SaltedPassword, ClientKey, StoredKey and ServerKey of RFC 5802 §3. */
export function deriveScramKeys(hash: ScramHash, password: string, salt: Buffer, iterations: number) {
  const saltedPassword = crypto.pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, hash.length, hash.digest);
  const clientKey = hmac(hash, saltedPassword, 'Client Key');
  const storedKey = crypto.createHash(hash.digest).update(clientKey).digest();
  const serverKey = hmac(hash, saltedPassword, 'Server Key');
  return { saltedPassword, clientKey, storedKey, serverKey };
}

function plainHash(password: string, salt: Buffer): Buffer {
  return crypto.pbkdf2Sync(Buffer.from(password, 'utf8'), salt, PLAIN_HASH_ITERATIONS, 32, 'sha256');
}

export class CredentialStore {
  private readonly scram = new Map<string, ScramCredential>();
  private readonly plain = new Map<string, PlainCredential>();
  private readonly enabled = new Set<SaslMechanism>();
  /** Keys the fake salts of unknown users, so a probe cannot tell them from real ones. */
  private readonly secret = crypto.randomBytes(32);

  constructor(users: readonly SaslUser[]) {
    for (const user of users) this.add(user);
  }

  add(user: SaslUser): void {
    if (!SASL_MECHANISMS.includes(user.mechanism)) throw new Error(`unsupported SASL mechanism ${String(user.mechanism)}`);
    if (!user.username) throw new Error('a SASL user needs a username');
    if (typeof user.password !== 'string' || user.password.length === 0) throw new Error(`SASL user ${user.username} needs a password`);
    const salt = crypto.randomBytes(32);
    if (user.mechanism === 'PLAIN') {
      this.plain.set(user.username, { salt, hash: plainHash(user.password, salt) });
    } else {
      const { storedKey, serverKey } = deriveScramKeys(scramHash(user.mechanism), user.password, salt, SCRAM_ITERATIONS);
      this.scram.set(`${user.mechanism}\0${user.username}`, { salt, iterations: SCRAM_ITERATIONS, storedKey, serverKey });
    }
    this.enabled.add(user.mechanism);
  }

  /** Mechanisms with at least one user, in Kafka's usual order. */
  mechanisms(): SaslMechanism[] {
    return SASL_MECHANISMS.filter((m) => this.enabled.has(m));
  }

  isEnabled(mechanism: string): mechanism is SaslMechanism {
    return this.enabled.has(mechanism as SaslMechanism);
  }

  /** The user's SCRAM credential, or null (callers then continue with `fakeScramSalt`). */
  scramCredential(mechanism: ScramMechanism, username: string): ScramCredential | null {
    return this.scram.get(`${mechanism}\0${username}`) ?? null;
  }

  /** A stable per-user salt for unknown users, so the exchange looks the same until the proof fails. */
  fakeScramSalt(mechanism: ScramMechanism, username: string): Buffer {
    return crypto.createHmac('sha256', this.secret).update(`${mechanism}\0${username}`).digest();
  }

  verifyPlain(username: string, password: string): boolean {
    const known = this.plain.get(username);
    // Unknown users cost the same hash, so timing does not reveal which names exist.
    const cred = known ?? { salt: this.secret, hash: Buffer.alloc(32) };
    const ok = crypto.timingSafeEqual(plainHash(password, cred.salt), cred.hash);
    return ok && known !== undefined;
  }
}
