// The one way the console reaches a cluster, remote or embedded: a kafkajs client per
// connected cluster with a lazily connected admin, producer and "raw" cluster. The raw
// cluster is kafkajs' own internal Cluster (same config, same codecs), used where the public
// API would force a consumer group on the user's cluster: browsing and tailing fetch from
// exact offsets without joining any group.
import kafkajs, { type Admin, type Kafka as KafkaClient, type Producer, type SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import { ContractError } from '../contract/errors.js';
import { registerCompressionCodecs } from './compression-codecs.js';
import { toContractError, withTimeout } from './kafka-errors.js';

const { Kafka, logLevel, Partitioners } = kafkajs;

export interface ConnectionConfig {
  bootstrapServers: string[];
  tls?: { enabled: boolean; ca?: string; cert?: string; key?: string; skipVerify?: boolean };
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password?: string };
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
}

/** The parts of kafkajs' internal Cluster and Broker we rely on (pinned kafkajs 2.2.4). */
export interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  offset: string;
  headers: Record<string, Buffer | Buffer[] | null | undefined>;
  isControlRecord?: boolean;
}
export interface RawFetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  logStartOffset?: string;
  messages: RawRecord[];
}
export interface RawBroker {
  deleteRecords(args: { topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> }): Promise<unknown>;
  fetch(args: {
    replicaId?: number;
    isolationLevel?: number;
    maxWaitTime?: number;
    minBytes?: number;
    maxBytes?: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
  }): Promise<{ responses: Array<{ topicName: string; partitions: RawFetchPartition[] }> }>;
}
export interface RawMetadata {
  clusterId?: string;
  controllerId?: number;
  brokers: Array<{ nodeId: number; host: string; port: number; rack?: string | null }>;
  topicMetadata: Array<{
    topicErrorCode: number;
    topic: string;
    isInternal?: boolean;
    partitionMetadata: Array<{
      partitionErrorCode: number;
      partitionId: number;
      leader: number;
      replicas: number[];
      isr: number[];
      offlineReplicas?: number[];
    }>;
  }>;
}
export interface RawCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  metadata(args?: { topics?: string[] }): Promise<RawMetadata>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  refreshMetadata(): Promise<void>;
  findBroker(args: { nodeId: string | number }): Promise<RawBroker>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  fetchTopicsOffset(
    topics: Array<{ topic: string; partitions: Array<{ partition: number }>; fromBeginning?: boolean; fromTimestamp?: number }>,
  ): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>;
  findGroupCoordinator(args: { groupId: string }): Promise<{
    offsetCommit(args: {
      groupId: string;
      groupGenerationId: number;
      memberId: string;
      topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
    }): Promise<{ responses: Array<{ topic: string; partitions: Array<{ partition: number; errorCode: number }> }> }>;
  }>;
  brokerPool: {
    versions: Record<string, { minVersion: number; maxVersion: number }> | null;
    brokers: Record<string, { isConnected(): boolean }>;
    withBroker<T>(fn: (args: { broker: { metadata(topics: string[]): Promise<RawMetadata> } }) => Promise<T>): Promise<T>;
  };
  targetTopics: Set<string>;
}

export type OffsetSpec = 'earliest' | 'latest' | { timestamp: number };

const STALE_ROUTE_TYPES = new Set(['NOT_LEADER_FOR_PARTITION', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH']);

/** Errors that mean "kafkajs sent this to a broker that no longer leads it or is down". */
export function isStaleRouteError(err: unknown): boolean {
  for (let cur: any = err, i = 0; cur && i < 6; i++, cur = cur.originalError ?? cur.cause ?? (Array.isArray(cur.errors) ? cur.errors[0] : undefined)) {
    if (cur.name === 'KafkaJSConnectionError' || cur.name === 'KafkaJSConnectionClosedError' || cur.name === 'KafkaJSBrokerNotFound') return true;
    if (STALE_ROUTE_TYPES.has(cur.type)) return true;
    if (cur instanceof ContractError && cur.code === 'CONNECTION_FAILED') return true;
  }
  return false;
}

export function toKafkaConfig(config: ConnectionConfig, clientId: string, retries: number) {
  let ssl: boolean | ConnectionOptions | undefined;
  if (config.tls?.enabled) {
    ssl = {
      rejectUnauthorized: !config.tls.skipVerify,
      ...(config.tls.ca ? { ca: [config.tls.ca] } : {}),
      ...(config.tls.cert ? { cert: config.tls.cert } : {}),
      ...(config.tls.key ? { key: config.tls.key } : {}),
      // Skip-verify also skips the host name check, or a self-signed IP cert still fails.
      ...(config.tls.skipVerify ? { checkServerIdentity: () => undefined } : {}),
    };
  }
  let sasl: SASLOptions | undefined;
  if (config.sasl) {
    const mechanism = config.sasl.mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
    sasl = { mechanism, username: config.sasl.username, password: config.sasl.password ?? '' } as SASLOptions;
  }
  return {
    clientId,
    brokers: config.bootstrapServers,
    ssl,
    sasl,
    connectionTimeout: config.connectionTimeoutMs,
    authenticationTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    enforceRequestTimeout: true,
    // Few, quick retries: a console must say "unreachable" in seconds, not after minutes.
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: logLevel.NOTHING,
  };
}

export class KafkaAdapter {
  readonly kafka: KafkaClient;
  private adminP: Promise<Admin> | null = null;
  private rawP: Promise<RawCluster> | null = null;
  private producerP: Promise<Producer> | null = null;
  private closed = false;

  constructor(
    readonly config: ConnectionConfig,
    options: { clientId?: string; retries?: number } = {},
  ) {
    this.kafka = new Kafka(toKafkaConfig(config, options.clientId ?? 'keel-console', options.retries ?? 2));
  }

  /** Upper bound for one logical operation: connect + a request + a retry or two. */
  get operationTimeoutMs(): number {
    return this.config.connectionTimeoutMs + this.config.requestTimeoutMs * 2 + 1_000;
  }

  async run<T>(what: string, fn: () => Promise<T>, timeoutMs = this.operationTimeoutMs): Promise<T> {
    try {
      return await withTimeout(fn(), timeoutMs, what);
    } catch (err) {
      throw toContractError(err, what);
    }
  }

  admin(): Promise<Admin> {
    this.adminP ??= this.connectOnce(async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    }, () => (this.adminP = null));
    return this.adminP;
  }

  raw(): Promise<RawCluster> {
    this.rawP ??= this.connectOnce(async () => {
      await registerCompressionCodecs();
      const sym = Object.getOwnPropertySymbols(this.kafka).find((s) => s.description === 'private:Kafka:createCluster');
      if (!sym) throw new Error('kafkajs internals changed: cannot create a raw cluster');
      const create = (this.kafka as unknown as Record<symbol, (o: object) => RawCluster>)[sym]!;
      const cluster = create({ allowAutoTopicCreation: false, metadataMaxAge: 30_000 });
      await cluster.connect();
      // Loads the broker list, so later requests can go to any live broker, not only the seed.
      await cluster.refreshMetadata();
      return cluster;
    }, () => (this.rawP = null));
    return this.rawP;
  }

  producer(): Promise<Producer> {
    this.producerP ??= this.connectOnce(async () => {
      await registerCompressionCodecs();
      const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    }, () => (this.producerP = null));
    return this.producerP;
  }

  /** A failed connect must not be cached, or one bad moment breaks the cluster until restart. */
  private connectOnce<T>(connect: () => Promise<T>, reset: () => void): Promise<T> {
    if (this.closed) return Promise.reject(toContractError(new Error('The cluster connection is closed')));
    const started = Date.now();
    const p = this.run('Connecting', connect, this.config.connectionTimeoutMs + this.config.requestTimeoutMs + 1_000).catch((err: ContractError) => {
      reset();
      // kafkajs reports a listener that accepts but never answers as "not connected" after its
      // request timeout: name it for what it is.
      if (err.code === 'CONNECTION_FAILED' && Date.now() - started >= this.config.requestTimeoutMs * 0.9) {
        throw new ContractError('TIMEOUT', `The cluster accepted the connection but did not answer within ${this.config.requestTimeoutMs} ms`, err.detail);
      }
      // A TLS listener hangs up on a plaintext ApiVersions request without a word.
      if (err.code === 'CONNECTION_FAILED' && !this.config.tls?.enabled && /closed connection/i.test(err.message)) {
        throw new ContractError('CONNECTION_FAILED', `${err.message}: the broker hung up before answering; if its listener uses TLS, enable TLS for this cluster`, err.detail);
      }
      throw err;
    });
    return p;
  }

  async metadata(topics?: string[]): Promise<RawMetadata> {
    // Asked of a broker directly, not through kafkajs' cache of "target topics".
    const unknownTopic = (err: unknown) => (err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
    return this.run('Metadata', async () => {
      try {
        return await this.onAnyBroker((broker) => (broker as { metadata(t: string[]): Promise<RawMetadata> }).metadata(topics ?? []), unknownTopic);
      } catch (err) {
        if (unknownTopic(err)) throw new ContractError('NOT_FOUND', `Topic ${(topics ?? []).map((t) => `"${t}"`).join(', ')} does not exist`);
        throw err;
      }
    });
  }

  /**
   * Runs `fn` on the first broker that answers. kafkajs' withBroker gives up on the first
   * broker it cannot connect to (a stopped sandbox broker, one node of a remote cluster down):
   * try each known broker, the ones already connected first. An error `final` accepts is the
   * cluster's answer, not the broker's trouble, and ends the search.
   */
  async onAnyBroker<T>(fn: (broker: unknown) => Promise<T>, final: (err: unknown) => boolean = () => false): Promise<T> {
    const raw = await this.raw();
    const pool = raw.brokerPool.brokers;
    const ids = Object.keys(pool).sort(() => Math.random() - 0.5);
    ids.sort((a, b) => Number(pool[b]!.isConnected()) - Number(pool[a]!.isConnected()));
    let last: unknown = new Error('No brokers in the broker pool');
    for (const nodeId of ids) {
      try {
        return await fn(await raw.findBroker({ nodeId }));
      } catch (err) {
        if (final(err)) throw err;
        last = err;
      }
    }
    throw last;
  }

  /** Makes kafkajs' metadata cover these topics, so leaders can be looked up. */
  async useTopics(topics: string[]): Promise<RawCluster> {
    return this.pruningDeleted(async (raw) => {
      await raw.addMultipleTargetTopics(topics);
      return raw;
    });
  }

  /** Forgets a topic we deleted, so metadata refreshes stop asking for it. */
  async forgetTopic(topic: string): Promise<void> {
    if (this.rawP) (await this.rawP).targetTopics.delete(topic);
  }

  /**
   * kafkajs refreshes metadata for every topic it has ever been asked about, so one topic
   * deleted elsewhere makes every later refresh fail with UNKNOWN_TOPIC_OR_PARTITION. On that
   * error, drop the topics that no longer exist and try once more.
   */
  private async pruningDeleted<T>(fn: (raw: RawCluster) => Promise<T>): Promise<T> {
    const raw = await this.raw();
    try {
      return await fn(raw);
    } catch (err) {
      if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION' || raw.targetTopics.size === 0) throw err;
      const all = await raw.brokerPool.withBroker(({ broker }) => broker.metadata([]));
      const existing = new Set(all.topicMetadata.map((t) => t.topic));
      raw.targetTopics = new Set([...raw.targetTopics].filter((t) => existing.has(t)));
      return fn(raw);
    }
  }

  /** Offsets per partition for many topics at once, batched per leader by kafkajs. */
  async offsets(
    topics: Array<{ topic: string; partitions: number[] }>,
    spec: OffsetSpec,
  ): Promise<Map<string, Map<number, string>>> {
    const out = new Map<string, Map<number, string>>();
    if (topics.length === 0) return out;
    return this.run('ListOffsets', async () => {
      const raw = await this.useTopics(topics.map((t) => t.topic));
      const ask = () => raw.fetchTopicsOffset(
        topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((partition) => ({ partition })),
          ...(spec === 'earliest'
            ? { fromBeginning: true }
            : spec === 'latest'
              ? { fromBeginning: false }
              : { fromTimestamp: spec.timestamp }),
        })),
      );
      let res: Awaited<ReturnType<typeof ask>>;
      try {
        res = await ask();
      } catch (err) {
        // kafkajs routes by its cached leaders and does not refresh when a leader's broker is
        // gone (a stopped broker, a leader moved): refresh once and ask the new leaders.
        if (!isStaleRouteError(err)) throw err;
        await raw.refreshMetadata();
        res = await ask();
      }
      for (const t of res) out.set(t.topic, new Map(t.partitions.map((p) => [p.partition, String(p.offset)])));
      return out;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const parts = [this.adminP, this.rawP, this.producerP].filter((p): p is Promise<any> => p !== null);
    this.adminP = this.rawP = this.producerP = null;
    await Promise.all(
      parts.map(async (p) => {
        try {
          await (await p).disconnect();
        } catch {
          // Already broken connections have nothing to close.
        }
      }),
    );
  }
}
