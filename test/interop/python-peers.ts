// Runs the Python peer scripts in ./python with Debian's python3 and parses their one-line
// JSON answer.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../helpers/child-process.js';
import { SYSTEM_PYTHON } from '../helpers/peers.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function runPythonPeer<T = any>(script: string, args: string[], timeoutMs = 30_000): Promise<T> {
  const r = await run(SYSTEM_PYTHON, [path.join(here, 'python', script), ...args], { timeoutMs, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let parsed: { ok?: boolean; error?: string } | null = null;
  try {
    parsed = JSON.parse(line);
  } catch {
    parsed = null;
  }
  if (r.timedOut || r.code !== 0 || !parsed || parsed.ok !== true) {
    const why = r.timedOut ? `timed out after ${timeoutMs} ms` : parsed?.error ?? `exited with ${r.code ?? r.signal}`;
    throw new Error(`${script} ${args.slice(1).join(' ')}: ${why}\nstderr (tail):\n${r.stderr.slice(-3000)}`);
  }
  return parsed as T;
}
