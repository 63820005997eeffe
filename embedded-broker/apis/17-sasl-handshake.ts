// SaslHandshake (key 17), v0-1, allowed before authentication. Answers the enabled
// mechanisms and starts an exchange for the chosen one. v1 carries the tokens in
// SaslAuthenticate requests; v0 (kafka-python 2.x) switches the connection to raw,
// unframed tokens. A second handshake, or one on a listener without SASL, is
// ILLEGAL_SASL_STATE; an unknown mechanism is UNSUPPORTED_SASL_MECHANISM and the
// connection closes after the answer.
import { defineApi, type RequestContext } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { createServerExchange } from '../security/sasl-exchange.js';
import { saslSession, startRawTokenExchange, type SaslSession } from '../security/sasl-session.js';
import type { Encodable, SaslHandshakeRequest, SaslHandshakeResponse } from '../protocol/generated/message-types.js';

export const saslHandshakeApi = defineApi<SaslHandshakeRequest, Encodable<SaslHandshakeResponse>>({
  apiKey: 17,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  beforeAuthentication: true,
  handle(ctx: RequestContext, request: SaslHandshakeRequest) {
    const credentials = ctx.cluster.security.credentials;
    const connection = ctx.connection;
    if (!credentials) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    const mechanisms = credentials.mechanisms();
    if (connection.principal !== null || saslSession(connection)) {
      connection.closeAfterResponse();
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms };
    }
    if (!credentials.isEnabled(request.mechanism)) {
      ctx.node.log('info', `connection ${connection.id}: unsupported SASL mechanism ${request.mechanism}`);
      connection.closeAfterResponse();
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    ctx.node.log('debug', `connection ${connection.id}: SaslHandshake v${ctx.version} ${request.mechanism}`);
    const session: SaslSession = { handshakeVersion: ctx.version, exchange: createServerExchange(credentials, request.mechanism) };
    connection.sasl = session;
    // Set before this call returns, so the very next frame is read as a raw token.
    if (ctx.version === 0) startRawTokenExchange(ctx, session.exchange);
    return { errorCode: ErrorCode.NONE, mechanisms };
  },
});
