// The server side of one SASL exchange, independent of how tokens travel (inside
// SaslAuthenticate requests, or as raw frames after SaslHandshake v0).
import type { CredentialStore, SaslMechanism } from './credentials.js';
import { PlainServerExchange } from './sasl-plain.js';
import { ScramServerExchange } from './sasl-scram.js';

export { SaslAuthenticationError, invalidCredentials } from './sasl-errors.js';

export interface SaslServerExchange {
  readonly mechanism: SaslMechanism;
  /** Evaluates one client token and returns the server's token; throws SaslAuthenticationError. */
  evaluate(token: Buffer): Buffer;
  /** True once the client is authenticated. */
  readonly complete: boolean;
  /** The authenticated user name, once complete. */
  readonly username: string | null;
}

export function createServerExchange(store: CredentialStore, mechanism: SaslMechanism): SaslServerExchange {
  return mechanism === 'PLAIN' ? new PlainServerExchange(store) : new ScramServerExchange(store, mechanism);
}
