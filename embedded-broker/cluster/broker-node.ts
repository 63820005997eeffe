// One broker of the embedded cluster: its listener, its connections and its data
// directory. Cluster-wide state (topics, leaders) belongs to the Cluster, not to a node.
import net from 'node:net';
import tls from 'node:tls';
import path from 'node:path';
import { Connection } from '../server/connection.js';
import type { BrokerState } from '../public-types.js';
import type { Cluster } from './cluster.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export class BrokerNode {
  state: BrokerState = 'stopped';
  /** Extra delay before each response, set by the sandbox's fault controls. */
  latencyMs = 0;
  private server: net.Server | null = null;
  private readonly connections = new Set<Connection>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly cluster: Cluster,
    readonly nodeId: number,
    readonly host: string,
    public port: number,
    readonly dataDir: string,
  ) {}

  get isRunning(): boolean {
    return this.state === 'running';
  }

  /** The directory holding this node's replica of a partition. */
  partitionDir(topic: string, partition: number): string {
    return path.join(this.dataDir, `${topic}-${partition}`);
  }

  async listen(): Promise<void> {
    const security = this.cluster.options.security;
    const maxRequestBytes = Number(this.cluster.brokerConfig('socket.request.max.bytes'));
    const onSocket = (socket: net.Socket) => {
      if (!this.isRunning) {
        socket.destroy();
        return;
      }
      const conn = new Connection(socket, this, maxRequestBytes, !security?.sasl);
      this.connections.add(conn);
    };
    const server = security?.tls
      ? tls.createServer(
          {
            cert: security.tls.cert,
            key: security.tls.key,
            ca: security.tls.ca,
            requestCert: !!security.tls.requireClientCert,
            rejectUnauthorized: !!security.tls.requireClientCert,
          },
          onSocket,
        )
      : net.createServer(onSocket);
    server.on('error', (err) => this.log('error', `listener error: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.host, port: this.port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
    this.state = 'running';
    this.closeIdleConnections(Number(this.cluster.brokerConfig('connections.max.idle.ms')));
  }

  /**
   * Kafka's connections.max.idle.ms: a connection that neither sent nor received anything for
   * that long, with no request in progress, is closed (clients reconnect when they need to).
   * Checked every quarter of the limit, so one closes between 1× and 1.25× of it.
   */
  private closeIdleConnections(idleMs: number): void {
    this.idleTimer = setInterval(() => {
      const cutoff = Date.now() - idleMs;
      for (const conn of this.connections) {
        if (!conn.idleSince(cutoff)) continue;
        this.log('debug', `connection ${conn.id} from ${conn.remoteAddress}:${conn.remotePort} idle for ${idleMs} ms (connections.max.idle.ms); closing`);
        conn.destroy();
      }
    }, Math.max(10, Math.min(30_000, Math.floor(idleMs / 4))));
    this.idleTimer.unref();
  }

  /** Closes the listener and drops every connection (graceful and crash stops differ in what the cluster does with the logs). */
  async shutdownListener(state: Exclude<BrokerState, 'running'>): Promise<void> {
    this.state = state;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    const server = this.server;
    this.server = null;
    for (const conn of this.connections) conn.destroy();
    this.connections.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  connectionClosed(conn: Connection): void {
    this.connections.delete(conn);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  log(level: LogLevel, message: string): void {
    this.cluster.log(level, `[broker ${this.nodeId}] ${message}`);
  }
}
