// Runs peer tools as child processes with a hard time limit. Every child is tracked by PID
// so a test's afterEach can kill whatever is still running (killChildren), never by name.
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const live = new Set<number>();

export function run(file: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    if (child.pid !== undefined) live.add(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      if (child.pid !== undefined) live.delete(child.pid);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (child.pid !== undefined) live.delete(child.pid);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
    child.stdin.on('error', () => {}); // a child that exits early closes its stdin
    child.stdin.end(options.input ?? '');
  });
}

/** Runs and insists on exit code 0, with the child's stderr in the error. */
export async function runOk(file: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const r = await run(file, args, options);
  if (r.code !== 0) {
    const why = r.timedOut ? `timed out after ${options.timeoutMs ?? 20_000} ms` : `exited with ${r.code ?? r.signal}`;
    throw new Error(`${file} ${args.join(' ')} ${why}\nstderr:\n${r.stderr.slice(-4000)}\nstdout:\n${r.stdout.slice(-2000)}`);
  }
  return r;
}

/** Kills every child still running (by PID). For afterEach. */
export function killChildren(): void {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    live.delete(pid);
  }
}
