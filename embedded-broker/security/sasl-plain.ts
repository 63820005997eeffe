// SASL PLAIN (RFC 4616): one token `authzid NUL authcid NUL passwd`, answered with an
// empty token. Like Kafka, an authorization id other than the user's own is refused.
import type { CredentialStore } from './credentials.js';
import { invalidCredentials, SaslAuthenticationError } from './sasl-errors.js';
import type { SaslServerExchange } from './sasl-exchange.js';

export class PlainServerExchange implements SaslServerExchange {
  readonly mechanism = 'PLAIN' as const;
  complete = false;
  username: string | null = null;

  constructor(private readonly store: CredentialStore) {}

  evaluate(token: Buffer): Buffer {
    if (this.complete) throw new SaslAuthenticationError('SASL PLAIN exchange already complete');
    const parts = token.toString('utf8').split('\0');
    if (parts.length !== 3) throw new SaslAuthenticationError('Invalid SASL/PLAIN response: expected 3 tokens');
    const [authzid, username, password] = parts as [string, string, string];
    if (!username) throw new SaslAuthenticationError('Authentication failed: username not specified');
    if (!password) throw new SaslAuthenticationError('Authentication failed: password not specified');
    if (authzid !== '' && authzid !== username) {
      throw new SaslAuthenticationError('Authentication failed: Client requested an authorization id that is different from username');
    }
    if (!this.store.verifyPlain(username, password)) throw invalidCredentials(this.mechanism);
    this.complete = true;
    this.username = username;
    return Buffer.alloc(0);
  }
}
