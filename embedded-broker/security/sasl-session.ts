// Per-connection SASL state, kept in ConnectionInfo.sasl by the SaslHandshake and
// SaslAuthenticate handlers, and the raw token exchange that follows SaslHandshake v0
// (kafka-python 2.x): each raw frame is a token, answered by a size-prefixed raw token.
// A failed raw exchange closes the connection without an answer, as Kafka does.
import type { ConnectionInfo, RequestContext } from '../apis/api-handler.js';
import { SaslAuthenticationError } from './sasl-errors.js';
import type { SaslServerExchange } from './sasl-exchange.js';

export interface SaslSession {
  handshakeVersion: number;
  exchange: SaslServerExchange;
}

export function saslSession(connection: ConnectionInfo): SaslSession | undefined {
  return connection.sasl as SaslSession | undefined;
}

export function authenticated(ctx: RequestContext, exchange: SaslServerExchange, via = 'SaslAuthenticate'): void {
  ctx.connection.principal = `User:${exchange.username}`;
  ctx.node.log('debug', `connection ${ctx.connection.id}: authenticated as ${exchange.username} with ${exchange.mechanism} via ${via}`);
}

export function authenticationFailed(ctx: RequestContext, err: unknown): string {
  const message = err instanceof SaslAuthenticationError ? err.message : `Authentication failed: ${(err as Error)?.message ?? String(err)}`;
  const { id, remoteAddress, remotePort } = ctx.connection;
  ctx.node.log('info', `connection ${id} from ${remoteAddress}:${remotePort}: ${message}`);
  return message;
}

/** Switches the connection to raw SASL tokens until the exchange completes. */
export function startRawTokenExchange(ctx: RequestContext, exchange: SaslServerExchange): void {
  const connection = ctx.connection;
  const next = (token: Buffer): Buffer => {
    try {
      const answer = exchange.evaluate(token);
      if (exchange.complete) authenticated(ctx, exchange, 'raw tokens');
      else connection.rawFrameHandler = next;
      return answer;
    } catch (err) {
      authenticationFailed(ctx, err);
      connection.destroy();
      return Buffer.alloc(0);
    }
  };
  connection.rawFrameHandler = next;
}
