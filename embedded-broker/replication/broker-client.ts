// A minimal Kafka client over one connection, used by a broker to talk to another broker
// (follower fetches, epoch queries) — the same wire protocol any client uses, so
// replication exercises the real request path of the leader.
import net from 'node:net';
import tls from 'node:tls';
import { decodeResponseFrame, encodeRequestFrame } from '../protocol/frame.js';
import { FrameReader } from './frame-reader.js';

interface Pending {
  apiKey: number;
  version: number;
  resolve: (body: any) => void;
  reject: (err: Error) => void;
}

export interface BrokerClientOptions {
  host: string;
  port: number;
  clientId: string;
  connectTimeoutMs: number;
  tls?: tls.ConnectionOptions;
}

export class BrokerClient {
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 1;
  private closedError: Error | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly clientId: string,
    reader: FrameReader,
    tlsSocket: boolean,
  ) {
    socket.setNoDelay(true);
    // Plain TCP reads land in place through `onread` (see connect); TLS hands out chunks.
    if (tlsSocket) socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static connect(options: BrokerClientOptions): Promise<BrokerClient> {
    return new Promise((resolve, reject) => {
      let client: BrokerClient | null = null;
      const reader = new FrameReader((frame) => client?.onFrame(frame), (err) => client?.fail(err));
      const socket = options.tls
        ? tls.connect({ ...options.tls, host: options.host, port: options.port })
        : net.connect({ host: options.host, port: options.port, onread: { buffer: () => reader.target(), callback: (n) => (reader.received(n), true) } });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${options.host}:${options.port} timed out`));
      }, options.connectTimeoutMs);
      socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        client = new BrokerClient(socket, options.clientId, reader, options.tls !== undefined);
        resolve(client);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get isClosed(): boolean {
    return this.closedError !== null;
  }

  request<T = any>(apiKey: number, version: number, body: object): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const correlationId = this.nextCorrelationId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(correlationId, { apiKey, version, resolve, reject });
      this.socket.write(encodeRequestFrame(apiKey, version, correlationId, this.clientId, body));
    });
  }

  close(): void {
    this.socket.destroy();
    this.fail(new Error('client closed'));
  }

  private onFrame(frame: Buffer): void {
    if (this.closedError) return;
    const correlationId = frame.readInt32BE(0);
    const pending = this.pending.get(correlationId);
    if (!pending) {
      this.fail(new Error(`response with unknown correlation id ${correlationId}`));
      return;
    }
    this.pending.delete(correlationId);
    try {
      pending.resolve(decodeResponseFrame(pending.apiKey, pending.version, frame).body);
    } catch (err) {
      pending.reject(err as Error);
    }
  }

  private fail(err: Error): void {
    if (!this.closedError) this.closedError = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    if (!this.socket.destroyed) this.socket.destroy();
  }
}
