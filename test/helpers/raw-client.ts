// A minimal Kafka wire client for tests: sends frames built by our own codec (or raw
// bytes), reads size-prefixed responses in order, and decodes them. Requests can be
// pipelined: every send gets its own promise, settled in response order.
import net from 'node:net';
import tls from 'node:tls';
import { decodeResponseFrame, encodeRequestFrame } from '../../embedded-broker/protocol/frame.js';

interface Waiter {
  resolve(frame: Buffer): void;
  reject(err: Error): void;
}

export class RawClient {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly waiters: Waiter[] = [];
  private readonly unclaimed: Buffer[] = [];
  private nextCorrelationId = 1;
  private failure: Error | null = null;

  private constructor(private readonly socket: net.Socket, private readonly timeoutMs: number) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed by the broker')));
  }

  /** With `tlsOptions` the connection speaks TLS (resolves once the handshake is done). */
  static connect(host: string, port: number, timeoutMs = 10_000, tlsOptions?: tls.ConnectionOptions): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = tlsOptions ? tls.connect({ ...tlsOptions, host, port }) : net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once(tlsOptions ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RawClient(socket, timeoutMs));
      });
    });
  }

  /** Connects to "host:port". */
  static connectTo(address: string, timeoutMs?: number, tlsOptions?: tls.ConnectionOptions): Promise<RawClient> {
    const i = address.lastIndexOf(':');
    return RawClient.connect(address.slice(0, i), Number(address.slice(i + 1)), timeoutMs, tlsOptions);
  }

  get closed(): boolean {
    return this.failure !== null;
  }

  /** Writes raw bytes (a whole frame including its size prefix, or any garbage). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves with the next response frame (without its size prefix), in arrival order. */
  readFrame(): Promise<Buffer> {
    const ready = this.unclaimed.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no response within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const waiter: Waiter = {
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Sends a request encoded by our codec; returns its correlation id. */
  send(apiKey: number, apiVersion: number, body: object, clientId: string | null = 'keel-raw-client'): number {
    const correlationId = this.nextCorrelationId++;
    this.socket.write(encodeRequestFrame(apiKey, apiVersion, correlationId, clientId, body));
    return correlationId;
  }

  /** Sends one request and decodes its response (responses arrive in request order). */
  async request<T = any>(apiKey: number, apiVersion: number, body: object): Promise<T> {
    const correlationId = this.send(apiKey, apiVersion, body);
    const frame = await this.readFrame();
    const decoded = decodeResponseFrame<T>(apiKey, apiVersion, frame);
    if (decoded.correlationId !== correlationId) {
      throw new Error(`correlation id ${decoded.correlationId} answered request ${correlationId}`);
    }
    return decoded.body;
  }

  /** Sends several requests before reading any answer; resolves with the bodies in order. */
  async pipeline<T = any>(requests: { apiKey: number; apiVersion: number; body: object }[]): Promise<T[]> {
    const ids = requests.map((r) => this.send(r.apiKey, r.apiVersion, r.body));
    const out: T[] = [];
    for (let i = 0; i < requests.length; i++) {
      const frame = await this.readFrame();
      const decoded = decodeResponseFrame<T>(requests[i]!.apiKey, requests[i]!.apiVersion, frame);
      if (decoded.correlationId !== ids[i]) throw new Error(`response ${i}: correlation id ${decoded.correlationId}, expected ${ids[i]}`);
      out.push(decoded.body);
    }
    return out;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = Buffer.from(this.buffered.subarray(4, 4 + size));
      this.buffered = this.buffered.subarray(4 + size);
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(frame);
      else this.unclaimed.push(frame);
    }
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}
