// The opt-in Prometheus port: loopback only, GET /metrics only. It serves read-only numbers,
// so it has no token (Prometheus scrapes without one); it never listens beyond 127.0.0.1 and
// refuses foreign Host headers so a web page cannot read it through DNS rebinding.
import http from 'node:http';

export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(render: () => Promise<{ contentType: string; body: string }>, port = 0): Promise<MetricsServer> {
  let bound = 0;
  const server = http.createServer((req, res) => {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${bound}` && host !== `localhost:${bound}`) {
      res.writeHead(421).end('Unexpected Host header');
      return;
    }
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Keel exposes /metrics only\n');
      return;
    }
    render().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  bound = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${bound}/metrics`,
    port: bound,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
