/**
 * Small text checkpoint files in Kafka's layout: a version line, an entry count line, then one
 * entry per line. Written to a temp file, fsynced and renamed so a crash leaves either the old
 * or the new content, never a torn mix. Without `sync` the rename still protects against a
 * process crash; after a machine crash the file may be old, empty or missing, which readers
 * treat as "rebuild" (only the leader epoch cache writes that way, see log-open.ts).
 */
import * as fs from 'node:fs';

const VERSION = 0;

export function writeCheckpoint(path: string, entries: string[], sync = true): void {
  const tmp = `${path}.tmp`;
  const text = `${VERSION}\n${entries.length}\n${entries.map((e) => `${e}\n`).join('')}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    if (sync) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path);
}

/** The entries, or null when the file is missing or malformed (callers then rebuild). */
export function readCheckpoint(path: string): string[] | null {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length < 2 || lines[0] !== String(VERSION)) return null;
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count < 0 || lines.length !== count + 2) return null;
  return lines.slice(2);
}

/** Parses a line of space-separated integers; null if any part is not a safe integer. */
export function parseIntegers(line: string, expected: number): number[] | null {
  const parts = line.trim().split(/\s+/);
  if (parts.length !== expected) return null;
  const out = parts.map(Number);
  return out.every((n) => Number.isSafeInteger(n)) ? out : null;
}
