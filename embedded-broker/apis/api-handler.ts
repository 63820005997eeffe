// The shape every API handler file exports. The table of handlers is the single source for
// dispatch, version checks and the ApiVersions answer.
import type { RequestHeader } from '../protocol/headers.js';
import type { Cluster } from '../cluster/cluster.js';
import type { BrokerNode } from '../cluster/broker-node.js';

/** What a handler knows about the connection a request came in on. */
export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Set once SASL authentication succeeded (or immediately when SASL is off). */
  principal: string | null;
  /** Per-connection SASL exchange state, owned by the SASL handlers. */
  sasl: unknown;
  /** Closes the connection after the current response is written. */
  closeAfterResponse(): void;
  /**
   * Calls `listener` once when the connection is gone (at once if it already is), so waiting
   * requests can be released instead of being held for their whole timeout. Returns an unsubscribe.
   */
  onClose?(listener: () => void): () => void;
  /** When set, the next frame is a raw SASL token (after SaslHandshake v0), answered by the returned token. */
  rawFrameHandler: ((frame: Buffer) => Buffer | Promise<Buffer>) | null;
  /** Closes the connection at once, without answering what is in flight. */
  destroy(): void;
}

export interface RequestContext {
  readonly cluster: Cluster;
  readonly node: BrokerNode;
  readonly header: RequestHeader;
  readonly version: number;
  readonly connection: ConnectionInfo;
  /** Time the request was read, ms since epoch. */
  readonly receivedAt: number;
  /** A sandbox fault armed for this request: partition and resource lookups fail with it. */
  readonly injectedError?: number;
}

/** Returned by a handler when Kafka sends no response (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no-response');

export interface ApiHandler<Req = any, Res = any> {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** APIs a client may call before SASL authentication completes. */
  readonly beforeAuthentication?: boolean;
  handle(ctx: RequestContext, request: Req): Res | typeof NO_RESPONSE | Promise<Res | typeof NO_RESPONSE>;
  /** Only ApiVersions: answers a version above its range (in a version the client can read). */
  readonly answersUnsupportedVersion?: boolean;
  answerUnsupportedVersion?(ctx: RequestContext): { version: number; body: unknown };
}

export function defineApi<Req, Res>(handler: ApiHandler<Req, Res>): ApiHandler<Req, Res> {
  if (handler.minVersion > handler.maxVersion) throw new Error(`${handler.name}: empty version range`);
  return handler;
}
