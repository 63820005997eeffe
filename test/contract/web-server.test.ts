// Web mode's gatekeeping: 127.0.0.1 only, the access token, Host and Origin checks, and the
// page shown when the renderer is not built.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHarness, type Harness } from './harness.js';

function request(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, headers: res.headers }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

function wsOpens(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(true);
    });
    ws.on('error', () => resolve(false));
    ws.on('unexpected-response', () => resolve(false));
  });
}

describe('web server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sandbox: false });
  });
  afterAll(async () => h?.close());

  it('listens on 127.0.0.1 only and prints a URL carrying the token', () => {
    expect(h.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(h.server.openUrl).toBe(`${h.server.url}/?token=${h.server.token}`);
    expect(h.server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses pages and API calls without the token', async () => {
    const page = await request(h.server.port, '/');
    expect(page.status).toBe(401);
    const api = await request(h.server.port, '/api/clusters.list', { 'content-type': 'application/json' }, 'POST', '{}');
    expect(api.status).toBe(401);
    const wrong = await request(h.server.port, '/api/clusters.list', { authorization: 'Bearer nope' }, 'POST', '{}');
    expect(wrong.status).toBe(401);
  });

  it('serves the not-built page with the token and sets a strict cookie and CSP', async () => {
    const page = await request(h.server.port, `/?token=${h.server.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('renderer is not built');
    expect(String(page.headers['set-cookie'])).toContain('SameSite=Strict');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    expect((await request(h.server.port, '/', { cookie })).status).toBe(200);
  });

  it('rejects foreign Host headers (DNS rebinding) and foreign Origins', async () => {
    const rebound = await request(h.server.port, `/?token=${h.server.token}`, { host: `evil.example:${h.server.port}` });
    expect(rebound.status).toBe(421);
    const cross = await request(h.server.port, '/api/clusters.list', { authorization: `Bearer ${h.server.token}`, origin: 'https://evil.example' }, 'POST', '{}');
    expect(cross.status).toBe(403);
  });

  it('answers contract calls over HTTP with the stable error shape', async () => {
    const auth = { authorization: `Bearer ${h.server.token}`, 'content-type': 'application/json' };
    const ok = await request(h.server.port, '/api/app.info', auth, 'POST', '{}');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ shell: 'web', secretsStorage: 'user-file' });
    const bad = await request(h.server.port, '/api/topics.list', auth, 'POST', '{"clusterId": 5}');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ code: 'INVALID_INPUT', message: expect.any(String) });
    const unknown = await request(h.server.port, '/api/nope.nothing', auth, 'POST', '{}');
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 'UNKNOWN_METHOD' });
    const noSandbox = await request(h.server.port, '/api/clusters.overview', auth, 'POST', '{"clusterId":"sandbox"}');
    expect(JSON.parse(noSandbox.body)).toMatchObject({ code: 'SANDBOX_UNAVAILABLE' });
  });

  it('opens the WebSocket only with the token and an allowed Origin', async () => {
    const base = `ws://127.0.0.1:${h.server.port}/ws`;
    expect(await wsOpens(`${base}?token=${h.server.token}`)).toBe(true);
    expect(await wsOpens(base)).toBe(false);
    expect(await wsOpens(`${base}?token=wrong`)).toBe(false);
    expect(await wsOpens(`${base}?token=${h.server.token}`, { origin: 'https://evil.example' })).toBe(false);
    expect(await wsOpens(`${base}?token=${h.server.token}`, { origin: `http://127.0.0.1:${h.server.port}` })).toBe(true);
  });
});
