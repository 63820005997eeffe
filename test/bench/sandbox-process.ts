// The sandbox as a separate OS process, built the way it ships (one bundled file, plain
// node, no TypeScript loader), so start time and memory are measured for the real thing.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { encodeRequestFrame } from '../../embedded-broker/protocol/frame.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUNDLE = path.join(ROOT, '.bench', 'sandbox-cli.mjs');

export async function bundleSandbox(): Promise<string> {
  await build({
    entryPoints: [path.join(ROOT, 'embedded-broker/sandbox-cli.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return BUNDLE;
}

/** A base port with `count` consecutive free ports on 127.0.0.1 (one per broker). */
export async function freeBasePort(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const ok = await Promise.all(
      Array.from({ length: count }, (_, i) => new Promise<boolean>((resolve) => {
        const s = net.createServer().once('error', () => resolve(false)).listen(base + i, '127.0.0.1', () => s.close(() => resolve(true)));
      })),
    );
    if (ok.every(Boolean)) return base;
  }
  throw new Error('no free range of ports on 127.0.0.1');
}

/** User + system CPU time of a process so far (Linux /proc, clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface SandboxProcess {
  child: ChildProcess;
  bootstrap: string;
  /** Milliseconds from spawn to the first answered Metadata request. */
  startMs: number;
  rssBytes(): number;
  /** User + system CPU time the sandbox process has used so far, in milliseconds (Linux /proc). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** One Metadata v1 round trip over a fresh socket; resolves false on any failure. */
function metadataAnswered(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(encodeRequestFrame(3, 1, 1, 'bench', { topics: null })));
    socket.once('data', () => done(true));
    setTimeout(() => done(false), 1000).unref();
  });
}

export async function startSandboxProcess(dataDir: string, port: number, brokers = 3): Promise<SandboxProcess> {
  const bundle = fs.existsSync(BUNDLE) ? BUNDLE : await bundleSandbox();
  const started = performance.now();
  // KEEL_SANDBOX_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the sandbox under a bench.
  const nodeArgs = (process.env.KEEL_SANDBOX_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, bundle, '--brokers', String(brokers), '--data-dir', dataDir, '--port', String(port)], {
    cwd: ROOT,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const deadline = started + 15_000;
  while (!(await metadataAnswered(port))) {
    if (performance.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error('the sandbox did not answer Metadata within 15 s');
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const startMs = performance.now() - started;
  return {
    child,
    bootstrap: Array.from({ length: brokers }, (_, i) => `127.0.0.1:${port + i}`).join(','),
    startMs,
    rssBytes() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb * 1024;
    },
    cpuMs() {
      return processCpuMs(child.pid!);
    },
    stop() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      });
    },
  };
}
