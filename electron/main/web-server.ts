// Web mode: the built renderer and the contract over HTTP + WebSocket, on 127.0.0.1 only,
// behind a random access token. Host and Origin are checked on every request so a web page
// in the user's browser can neither reach the API (DNS rebinding, cross-site requests) nor
// open the socket.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WireMessage, WireRequest } from '../contract/web-transport.js';
import type { CallContext, Dispatcher } from './contract-server.js';

export interface WebServerOptions {
  dispatcher: Dispatcher;
  /** Registers a caller for broadcast events; returns detach. */
  attach?: (ctx: CallContext) => () => void;
  port?: number;
  /** Defaults to a fresh random token. */
  token?: string;
  rendererDir?: string;
  /** Prometheus text for GET /metrics (behind the same token: Bearer header, ?token= or the cookie). */
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

export interface WebServer {
  url: string;
  /** The URL to open in a browser: carries the token once, then a cookie takes over. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

function sameToken(a: string | null | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: http.IncomingMessage): string | null {
  const m = /(?:^|;\s*)keel_token=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '');
  return m ? m[1]! : null;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = options.rendererDir ? path.resolve(options.rendererDir) : null;
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const hostOk = (req: http.IncomingMessage) => allowedHosts().has(req.headers.host ?? '');
  const originOk = (req: http.IncomingMessage) => req.headers.origin === undefined || allowedOrigins().has(req.headers.origin);

  const send = (res: http.ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': CSP,
      ...extra,
    });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => send(res, 500, 'Internal error'));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!hostOk(req)) return send(res, 421, 'Unexpected Host header');
    if (!originOk(req)) return send(res, 403, 'Cross-origin requests are refused');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    if (url.pathname.startsWith('/api/')) {
      // Plain HTTP calls for scripts: POST /api/<method> with a bearer token and a JSON body.
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!sameToken(bearer, token)) return send(res, 401, JSON.stringify({ code: 'FORBIDDEN', message: 'Missing or wrong access token' }), 'application/json');
      if (req.method !== 'POST') return send(res, 405, 'POST only', 'text/plain', { allow: 'POST' });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > 20 * 1024 * 1024) return send(res, 413, 'Body too large');
        chunks.push(c as Buffer);
      }
      let input: unknown = {};
      try {
        input = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        return send(res, 400, JSON.stringify({ code: 'INVALID_INPUT', message: 'Body is not JSON' }), 'application/json');
      }
      const ctx: CallContext = { callerId: `http:${randomUUID()}`, emit: () => undefined, onClose: () => undefined };
      const result = await options.dispatcher.dispatch(decodeURIComponent(url.pathname.slice(5)), input, ctx);
      return send(res, result.ok ? 200 : 400, JSON.stringify(result.ok ? result.output : result.error), 'application/json');
    }

    if (url.pathname === '/metrics' && options.metrics) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!sameToken(bearer, token) && !sameToken(url.searchParams.get('token'), token) && !sameToken(cookieToken(req), token)) {
        return send(res, 401, 'Missing or wrong access token (use Authorization: Bearer <token>)');
      }
      if (req.method !== 'GET') return send(res, 405, 'GET only', 'text/plain', { allow: 'GET' });
      const m = await options.metrics();
      return send(res, 200, m.body, m.contentType);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET only');
    const fromQuery = url.searchParams.get('token');
    const authed = sameToken(fromQuery, token) || sameToken(cookieToken(req), token);
    if (!authed) return send(res, 401, 'Open Keel with the URL it printed (it carries the access token).');
    const cookie = { 'set-cookie': `keel_token=${token}; HttpOnly; SameSite=Strict; Path=/` };
    if (!rendererDir || !fs.existsSync(path.join(rendererDir, 'index.html'))) {
      return send(res, 200, '<!doctype html><title>Keel</title><p>The Keel renderer is not built yet (no dist/renderer). The API is up at /api and /ws.</p>', 'text/html; charset=utf-8', cookie);
    }
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(rendererDir, rel);
    if (!file.startsWith(rendererDir + path.sep)) return send(res, 404, 'Not found');
    // Unknown paths fall back to index.html so client-side routes survive a reload.
    const target = fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(rendererDir, 'index.html');
    return send(res, 200, fs.readFileSync(target), MIME[path.extname(target)] ?? 'application/octet-stream', cookie);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 20 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const authed = sameToken(url.searchParams.get('token'), token) || sameToken(cookieToken(req), token);
    if (url.pathname !== '/ws' || !hostOk(req) || !originOk(req) || !authed) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  function serveSocket(ws: WebSocket) {
    const cleanups: Array<() => void> = [];
    const out = (msg: WireMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    const ctx: CallContext = {
      callerId: `ws:${randomUUID()}`,
      emit: (event, payload) => out({ t: 'event', event, payload }),
      onClose: (fn) => cleanups.push(fn),
    };
    if (options.attach) cleanups.push(options.attach(ctx));
    ws.on('close', () => {
      for (const fn of cleanups.splice(0)) fn();
    });
    ws.on('message', (data) => {
      let req: WireRequest;
      try {
        req = JSON.parse(String(data)) as WireRequest;
      } catch {
        return;
      }
      if (req?.t !== 'call' || typeof req.id !== 'number') return;
      void options.dispatcher.dispatch(req.method, req.input, ctx).then((r) =>
        out(r.ok ? { t: 'result', id: req.id, ok: true, output: r.output } : { t: 'result', id: req.id, ok: false, error: r.error }),
      );
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openUrl: `${url}/?token=${token}`,
    port,
    token,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
