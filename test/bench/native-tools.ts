// The librdkafka-based load tool and librdkafka's mock cluster, compiled on demand from
// test/bench/native/*.c against librdkafka-dev, so every broker is measured by the same
// client code in the same run.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const SOURCE_DIR = path.resolve(import.meta.dirname, 'native');
const BUILD_DIR = path.resolve(import.meta.dirname, '../../.bench');

export function nativeTool(name: 'keel-load' | 'keel-mock'): string {
  const binary = path.join(BUILD_DIR, name);
  const source = path.join(SOURCE_DIR, `${name}.c`);
  if (!fs.existsSync(binary) || fs.statSync(binary).mtimeMs < fs.statSync(source).mtimeMs) {
    fs.mkdirSync(BUILD_DIR, { recursive: true });
    if (!fs.existsSync('/usr/include/librdkafka/rdkafka_mock.h')) {
      throw new Error('librdkafka-dev is not installed (apt-get install -y librdkafka-dev): the bench needs its headers');
    }
    execFileSync('cc', ['-O2', '-o', binary, source, '-lrdkafka'], { stdio: 'inherit' });
  }
  return binary;
}

export interface LoadResult {
  mode: string;
  messages?: number;
  mbPerSec?: number;
  msgPerSec?: number;
  seconds?: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  samples?: number;
}

/** Runs keel-load and returns its JSON line. */
export function runLoad(args: string[], timeoutMs = 300_000): LoadResult {
  const out = execFileSync(nativeTool('keel-load'), args, { timeout: timeoutMs, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const line = out.trim().split('\n').pop()!;
  return JSON.parse(line) as LoadResult;
}

export interface MockCluster {
  bootstrap: string;
  process: ChildProcess;
  stop(): void;
}

/** Starts librdkafka's mock cluster with one topic; it lives until stop() closes its stdin. */
export async function startMockCluster(brokers: number, topic: string, partitions: number): Promise<MockCluster> {
  const child = spawn(nativeTool('keel-mock'), [String(brokers), topic, String(partitions)], { stdio: ['pipe', 'pipe', 'ignore'] });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`keel-mock exited with ${code}`)));
  });
  return {
    bootstrap,
    process: child,
    stop() {
      child.stdin!.end();
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    },
  };
}
