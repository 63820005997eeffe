// Runs crash-broker.ts in a child process (plain `node --import tsx`, so the pid we kill is
// the broker itself, not a wrapper) and tracks every child so tests can kill leftovers.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const live = new Set<ChildProcess>();

export interface BrokerProcess {
  child: ChildProcess;
  bootstrap: string[];
  stderr: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

/** Ports that were free a moment ago (bound to 127.0.0.1:0, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export function startBrokerProcess(dataDir: string, ports: number[], config: Record<string, string> = {}, timeoutMs = 30_000): Promise<BrokerProcess> {
  const args = ['--import', 'tsx', path.join(here, 'crash-broker.ts'), dataDir, ports.join(','), ...Object.entries(config).map(([k, v]) => `${k}=${v}`)];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  let err = '';
  let out = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { live.delete(child); resolve(); }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killBroker(child);
      reject(new Error(`broker child not ready within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /KEEL-READY (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({ child, bootstrap: m[1]!.split(','), stderr: () => err, exited });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`broker child exited early (code ${code}, signal ${signal}); stderr: ${err}`));
    });
  });
}

export function killBroker(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

/** Kills every broker child still running (for afterEach/afterAll). */
export async function killAllBrokers(): Promise<void> {
  const waits = [...live].map((c) => new Promise<void>((r) => {
    if (c.exitCode !== null || c.signalCode !== null) return r();
    c.once('exit', () => r());
    killBroker(c);
  }));
  await Promise.all(waits);
}
