// Peer tools (kcat, Python client modules) are installed on CI but may be missing on a
// developer's machine. A missing peer skips the test with a reason locally and fails it
// when KEEL_REQUIRE_PEERS=1 (CI), so CI can never go green by silently skipping.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export interface PeerCheck {
  ok: boolean;
  reason?: string;
}

export type PeerAvailability = { available: true } | { available: false; reason: string };

const cache = new Map<string, PeerAvailability>();

export function peersRequired(): boolean {
  return process.env.KEEL_REQUIRE_PEERS === '1';
}

/**
 * Returns whether the peer is usable. When it is not: throws if peers are required,
 * otherwise returns the reason (use it with `it.skipIf` / `describe.skipIf`).
 */
export function requirePeer(name: string, check: () => PeerCheck): PeerAvailability {
  let result = cache.get(name);
  if (!result) {
    let outcome: PeerCheck;
    try {
      outcome = check();
    } catch (err) {
      outcome = { ok: false, reason: (err as Error).message };
    }
    result = outcome.ok ? { available: true } : { available: false, reason: outcome.reason ?? 'not available' };
    cache.set(name, result);
  }
  if (!result.available) {
    const message = `peer "${name}" is not available: ${result.reason}`;
    if (peersRequired()) throw new Error(`${message} (KEEL_REQUIRE_PEERS=1 makes this a failure)`);
    process.stderr.write(`skipping tests that need ${message}\n`);
  }
  return result;
}

/** An executable at a fixed path that answers `args` with exit code 0. */
export function executableCheck(file: string, args: string[]): () => PeerCheck {
  return () => {
    if (!fs.existsSync(file)) return { ok: false, reason: `${file} does not exist` };
    const r = spawnSync(file, args, { timeout: 10_000, encoding: 'utf8' });
    if (r.error) return { ok: false, reason: r.error.message };
    if (r.status !== 0) return { ok: false, reason: `${file} ${args.join(' ')} exited with ${r.status}: ${r.stderr.trim()}` };
    return { ok: true };
  };
}

/** Debian's python3, which carries the python3-kafka / python3-confluent-kafka modules. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export function pythonModuleCheck(module: string): () => PeerCheck {
  return executableCheck(SYSTEM_PYTHON, ['-c', `import ${module}`]);
}

export const KCAT = '/usr/bin/kcat';
