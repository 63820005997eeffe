// Every cluster the console knows: the embedded sandbox plus saved remote clusters, each
// reached through one cached KafkaAdapter. Secrets never leave this module except into
// the kafkajs config.
import { randomUUID } from 'node:crypto';
import { ContractError } from '../contract/errors.js';
import type { ClusterConfigInput, ClusterSummary, MethodParsedInput, TestConnectionResult } from '../contract/index.js';
import { KafkaAdapter, type ConnectionConfig } from './kafka-adapter.js';
import { toContractError, withTimeout } from './kafka-errors.js';
import type { ClusterSecrets, SettingsStore, StoredCluster } from './settings-store.js';

export const SANDBOX_CLUSTER_ID = 'sandbox';
type ParsedConfig = MethodParsedInput<'clusters.add'>;

export class ClusterRegistry {
  private readonly adapters = new Map<string, KafkaAdapter>();
  private clusters: StoredCluster[];

  constructor(
    private readonly store: SettingsStore,
    /** The sandbox's bootstrap servers, or null while it is not running. */
    private readonly sandboxBootstrap: () => string[] | null,
  ) {
    this.clusters = store.loadClusters();
  }

  list(): ClusterSummary[] {
    const out: ClusterSummary[] = [];
    const sandbox = this.sandboxBootstrap();
    if (sandbox) out.push(this.sandboxSummary(sandbox));
    for (const c of this.clusters) out.push(this.summary(c));
    return out;
  }

  get(id: string): ClusterSummary {
    if (id === SANDBOX_CLUSTER_ID) {
      const sandbox = this.sandboxBootstrap();
      if (!sandbox) throw new ContractError('SANDBOX_UNAVAILABLE', 'The sandbox cluster is not running');
      return this.sandboxSummary(sandbox);
    }
    return this.summary(this.stored(id));
  }

  add(input: ParsedConfig): ClusterSummary {
    const id = randomUUID();
    const { stored, secrets } = this.split(id, input, {});
    this.store.saveSecrets(id, secrets);
    this.clusters = [...this.clusters, stored];
    this.store.saveClusters(this.clusters);
    return this.summary(stored);
  }

  async update(id: string, input: ParsedConfig): Promise<ClusterSummary> {
    this.stored(id);
    const { stored, secrets } = this.split(id, input, this.store.loadSecrets(id));
    this.store.saveSecrets(id, secrets);
    this.clusters = this.clusters.map((c) => (c.id === id ? stored : c));
    this.store.saveClusters(this.clusters);
    await this.dropAdapter(id);
    return this.summary(stored);
  }

  async remove(id: string): Promise<void> {
    if (id === SANDBOX_CLUSTER_ID) throw new ContractError('INVALID_INPUT', 'The sandbox cluster cannot be removed');
    this.stored(id);
    this.clusters = this.clusters.filter((c) => c.id !== id);
    this.store.saveClusters(this.clusters);
    this.store.saveSecrets(id, null);
    await this.dropAdapter(id);
  }

  adapter(id: string): KafkaAdapter {
    let a = this.adapters.get(id);
    if (!a) {
      a = new KafkaAdapter(this.connectionConfig(id), { clientId: 'keel-console' });
      this.adapters.set(id, a);
    }
    return a;
  }

  /**
   * Clusters with a live connection: the sandbox while it runs, and remote clusters the user
   * has opened (they keep a cached adapter until removed or edited).
   */
  connectedIds(): string[] {
    const ids = [...this.adapters.keys()].filter((id) => id !== SANDBOX_CLUSTER_ID && this.clusters.some((c) => c.id === id));
    return this.sandboxBootstrap() ? [SANDBOX_CLUSTER_ID, ...ids] : ids;
  }

  testConfig(input: ParsedConfig): Promise<TestConnectionResult> {
    return testConnection(this.split('unsaved', input, {}).config);
  }

  test(id: string): Promise<TestConnectionResult> {
    return testConnection(this.connectionConfig(id));
  }

  /** Drops the sandbox's cached connection, e.g. after it restarted on other ports. */
  async resetSandboxAdapter(): Promise<void> {
    await this.dropAdapter(SANDBOX_CLUSTER_ID);
  }

  async close(): Promise<void> {
    const all = [...this.adapters.values()];
    this.adapters.clear();
    await Promise.all(all.map((a) => a.close()));
  }

  private async dropAdapter(id: string): Promise<void> {
    const a = this.adapters.get(id);
    this.adapters.delete(id);
    await a?.close();
  }

  private connectionConfig(id: string): ConnectionConfig {
    if (id === SANDBOX_CLUSTER_ID) {
      const bootstrap = this.sandboxBootstrap();
      if (!bootstrap) throw new ContractError('SANDBOX_UNAVAILABLE', 'The sandbox cluster is not running');
      return { bootstrapServers: bootstrap, connectionTimeoutMs: 3_000, requestTimeoutMs: 15_000 };
    }
    const c = this.stored(id);
    const secrets = this.store.loadSecrets(id);
    return {
      bootstrapServers: c.bootstrapServers,
      connectionTimeoutMs: c.connectionTimeoutMs,
      requestTimeoutMs: c.requestTimeoutMs,
      ...(c.tls ? { tls: { ...c.tls, ...(secrets.tlsKey ? { key: secrets.tlsKey } : {}) } } : {}),
      ...(c.sasl ? { sasl: { ...c.sasl, ...(secrets.password !== undefined ? { password: secrets.password } : {}) } } : {}),
    };
  }

  private stored(id: string): StoredCluster {
    const c = this.clusters.find((x) => x.id === id);
    if (!c) throw new ContractError('CLUSTER_NOT_FOUND', `No cluster with id "${id}"`);
    return c;
  }

  /** Splits a form's input into what is stored in the clear and the secrets. Omitted secrets keep the old ones. */
  private split(id: string, input: ParsedConfig, old: ClusterSecrets) {
    const secrets: ClusterSecrets = {};
    const password = input.sasl ? (input.sasl.password ?? old.password) : undefined;
    if (password !== undefined) secrets.password = password;
    const key = input.tls?.enabled ? (input.tls.key ?? old.tlsKey) : undefined;
    if (key) secrets.tlsKey = key;
    const stored: StoredCluster = {
      id,
      name: input.name,
      bootstrapServers: input.bootstrapServers,
      connectionTimeoutMs: input.connectionTimeoutMs,
      requestTimeoutMs: input.requestTimeoutMs,
      ...(input.tls
        ? { tls: { enabled: input.tls.enabled, skipVerify: input.tls.skipVerify, ...(input.tls.ca ? { ca: input.tls.ca } : {}), ...(input.tls.cert ? { cert: input.tls.cert } : {}) } }
        : {}),
      ...(input.sasl ? { sasl: { mechanism: input.sasl.mechanism, username: input.sasl.username } } : {}),
    };
    const config: ConnectionConfig = {
      bootstrapServers: stored.bootstrapServers,
      connectionTimeoutMs: stored.connectionTimeoutMs,
      requestTimeoutMs: stored.requestTimeoutMs,
      ...(stored.tls ? { tls: { ...stored.tls, ...(key ? { key } : {}) } } : {}),
      ...(stored.sasl ? { sasl: { ...stored.sasl, ...(password !== undefined ? { password } : {}) } } : {}),
    };
    return { stored, secrets, config };
  }

  private summary(c: StoredCluster): ClusterSummary {
    const secrets = this.store.loadSecrets(c.id);
    return {
      id: c.id,
      kind: 'remote',
      name: c.name,
      bootstrapServers: c.bootstrapServers,
      ...(c.tls
        ? { tls: { enabled: c.tls.enabled, hasCa: Boolean(c.tls.ca), hasClientCert: Boolean(c.tls.cert), hasClientKey: Boolean(secrets.tlsKey), skipVerify: c.tls.skipVerify } }
        : {}),
      ...(c.sasl ? { sasl: { mechanism: c.sasl.mechanism, username: c.sasl.username, hasPassword: secrets.password !== undefined } } : {}),
      connectionTimeoutMs: c.connectionTimeoutMs,
      requestTimeoutMs: c.requestTimeoutMs,
    };
  }

  private sandboxSummary(bootstrap: string[]): ClusterSummary {
    return { id: SANDBOX_CLUSTER_ID, kind: 'sandbox', name: 'Sandbox', bootstrapServers: bootstrap, connectionTimeoutMs: 3_000, requestTimeoutMs: 15_000 };
  }
}

/** Connects with no retries and reads metadata, bounded by the config's own timeouts. */
export async function testConnection(config: ConnectionConfig): Promise<TestConnectionResult> {
  const adapter = new KafkaAdapter(config, { clientId: 'keel-console-test', retries: 0 });
  const started = Date.now();
  try {
    const meta = await withTimeout(adapter.metadata(), config.connectionTimeoutMs + config.requestTimeoutMs + 500, 'Test connection');
    return { ok: true, latencyMs: Date.now() - started, clusterId: meta.clusterId ?? null, brokerCount: meta.brokers.length };
  } catch (err) {
    const e = toContractError(err, 'Test connection');
    return { ok: false, latencyMs: Date.now() - started, clusterId: null, brokerCount: 0, error: { code: e.code, message: e.message } };
  } finally {
    void adapter.close();
  }
}

export type { ClusterConfigInput };
