// SaslAuthenticate (key 36), v0-2, allowed before authentication: one SASL token each
// way inside Kafka frames, after SaslHandshake v1. PLAIN takes one round trip, SCRAM two.
// Wrong credentials are SASL_AUTHENTICATION_FAILED with a message, then the connection
// closes; a token without a v1 handshake is ILLEGAL_SASL_STATE. Sessions do not expire
// (sessionLifetimeMs 0, no re-authentication).
import { defineApi, type RequestContext } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { authenticated, authenticationFailed, saslSession } from '../security/sasl-session.js';
import type { Encodable, SaslAuthenticateRequest, SaslAuthenticateResponse } from '../protocol/generated/message-types.js';

const EMPTY = Buffer.alloc(0);

export const saslAuthenticateApi = defineApi<SaslAuthenticateRequest, Encodable<SaslAuthenticateResponse>>({
  apiKey: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  beforeAuthentication: true,
  handle(ctx: RequestContext, request: SaslAuthenticateRequest) {
    const connection = ctx.connection;
    const session = saslSession(connection);
    const illegal = (why: string) => ({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: why, authBytes: EMPTY, sessionLifetimeMs: 0 });
    if (!ctx.cluster.security.saslEnabled) return illegal('SASL is not enabled on this listener');
    if (!session || session.handshakeVersion === 0 || session.exchange.complete) {
      connection.closeAfterResponse();
      if (!session) return illegal('SaslAuthenticate before SaslHandshake');
      return illegal(session.exchange.complete ? 'SASL authentication already complete' : 'SaslAuthenticate after SaslHandshake v0 (raw tokens expected)');
    }
    try {
      const authBytes = session.exchange.evaluate(request.authBytes);
      if (session.exchange.complete) authenticated(ctx, session.exchange);
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes, sessionLifetimeMs: 0 };
    } catch (err) {
      const message = authenticationFailed(ctx, err);
      connection.closeAfterResponse();
      return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: message, authBytes: EMPTY, sessionLifetimeMs: 0 };
    }
  },
});
