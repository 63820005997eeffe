// A long-running peer consumer process (python) that prints one JSON event per line. Tracked
// by PID so tests can kill what they started, and only that.
import { spawn, type ChildProcess } from 'node:child_process';

export interface PeerEvent {
  event: string;
  name: string;
  t: number;
  [key: string]: unknown;
}

const live = new Set<ChildProcess>();

export class PeerProcess {
  readonly events: PeerEvent[] = [];
  stderr = '';
  exited = false;
  private readonly child: ChildProcess;

  constructor(file: string, args: string[], env: Record<string, string> = {}) {
    this.child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    live.add(this.child);
    let partial = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim()) this.events.push(JSON.parse(line) as PeerEvent);
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-20_000);
    });
    this.child.stdin!.on('error', () => {});
    this.child.on('exit', () => {
      this.exited = true;
      live.delete(this.child);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  of(kind: string): PeerEvent[] {
    return this.events.filter((e) => e.event === kind);
  }

  /** The consumer's current assignment as it last reported it. */
  assignment(): number[] {
    const last = [...this.events].reverse().find((e) => e.event === 'assign' || e.event === 'revoke' || e.event === 'lost');
    return (last?.assignment as number[] | undefined) ?? [];
  }

  messages(): { partition: number; offset: number; value: string }[] {
    return this.of('message') as unknown as { partition: number; offset: number; value: string }[];
  }

  /** Asks for a clean close (consumer.close(), leaving the group) and waits for exit. */
  async close(timeoutMs = 15_000): Promise<void> {
    if (this.exited) return;
    this.child.stdin!.write('close\n');
    await this.waitExit(timeoutMs);
  }

  kill(): void {
    if (!this.exited && this.child.pid !== undefined) process.kill(this.child.pid, 'SIGKILL');
  }

  waitExit(timeoutMs: number): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve();
      }, timeoutMs);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Kills every peer process still running (by PID). For afterEach/afterAll. */
export function killPeerProcesses(): void {
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    live.delete(child);
  }
}
