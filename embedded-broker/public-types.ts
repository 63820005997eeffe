// The embedded broker's public, plain-Node API types. The console (electron/) and the
// sandbox CLI depend only on these and on `startCluster` from ./index.ts.

export type BrokerState = 'running' | 'stopped' | 'crashed';

export interface BrokerStatus {
  nodeId: number;
  host: string;
  port: number;
  state: BrokerState;
  /** Partitions this node leads / holds a replica of, for the sandbox page. */
  leaderOf: number;
  replicaOf: number;
  /** Sandbox faults on this node: cut off from replication as a follower; delay added to each response. */
  isolated: boolean;
  latencyMs: number;
}

export interface SaslUser {
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  username: string;
  password: string;
}

export interface ListenerSecurity {
  /**
   * PEM server certificate and key; when set the listeners speak TLS. `ca` verifies client
   * certificates, which `requireClientCert` demands. Brokers connect to each other with
   * `clientCert`/`clientKey`, or else with the server certificate (which must then allow
   * clientAuth when client certificates are required).
   */
  tls?: { cert: string; key: string; ca?: string; requireClientCert?: boolean; clientCert?: string; clientKey?: string };
  /**
   * When set, clients must authenticate with SASL (PLAIN, SCRAM-SHA-256/512) as one of these
   * users; each user belongs to its mechanism. Passwords are salted and hashed at start.
   */
  sasl?: { users: SaslUser[] };
}

export interface StartClusterOptions {
  brokers?: number;
  dataDir: string;
  host?: string;
  /** One port per broker, or a single base port (consecutive ports from it). 0 = ephemeral. */
  ports?: number[] | number;
  /** Broker configuration overrides by Kafka name, e.g. { 'auto.create.topics.enable': 'false' }. */
  config?: Record<string, string>;
  security?: ListenerSecurity;
  clusterId?: string;
  /** Where broker log lines go; default: warnings and errors to stderr. */
  logger?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

export interface FaultSpec {
  /** Answer the next `count` requests of this API key on this broker (or any broker) with this error code… */
  apiKey: number;
  errorCode?: number;
  /** …or process them but close the connection instead of answering (forces client retries). */
  dropResponse?: boolean;
  count: number;
  nodeId?: number;
}

export interface SandboxControl {
  status(): BrokerStatus[];
  /** Graceful stop: listener closes, logs flushed, leadership moves. */
  stopBroker(nodeId: number): Promise<void>;
  /** Crash: connections dropped without goodbye, nothing flushed. */
  crashBroker(nodeId: number): Promise<void>;
  startBroker(nodeId: number): Promise<void>;
  injectFault(fault: FaultSpec): void;
  /** Extra latency added to every response of one broker (0 removes it). */
  setLatency(nodeId: number, ms: number): void;
  /** Cuts a broker off from replication as a follower, so it falls out of every ISR; false heals it. */
  isolateBroker(nodeId: number, isolated: boolean): void;
  /** Moves a partition's leadership to another in-sync replica. */
  moveLeader(topic: string, partition: number, nodeId: number): void;
  /** Removes every armed fault and latency. */
  clearFaults(): void;
  /** Called on any broker up/down or leadership/ISR change; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}

export interface ClusterHandle {
  clusterId: string;
  /** "host:port" per broker, in node id order. */
  bootstrap: string[];
  control: SandboxControl;
  close(): Promise<void>;
}
