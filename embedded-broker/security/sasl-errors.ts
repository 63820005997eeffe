// Errors of a SASL exchange; the message is what the client is told.
import type { SaslMechanism } from './credentials.js';

export class SaslAuthenticationError extends Error {}

export function invalidCredentials(mechanism: SaslMechanism): SaslAuthenticationError {
  return new SaslAuthenticationError(`Authentication failed: invalid credentials with SASL mechanism ${mechanism}`);
}
