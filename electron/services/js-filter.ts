// Runs a user's JavaScript predicate over messages in a separate V8 context with a per-message
// time limit. Messages enter the context as JSON text parsed inside it, so the predicate never
// holds a host-realm object whose prototype chain could lead back to Node.
import vm from 'node:vm';
import { ContractError } from '../contract/errors.js';
import type { RawRecord } from './kafka-adapter.js';
import { headerEntries } from './message-codec.js';

export interface FilterInput {
  text?: string | undefined;
  js?: string | undefined;
  jsTimeoutMs: number;
}

export type MessagePredicate = (partition: number, record: RawRecord) => boolean;

function asString(buf: Buffer | null | undefined): string | null {
  return buf === null || buf === undefined ? null : buf.toString('utf8');
}

function parsedOrString(s: string | null): unknown {
  if (s === null) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

export function compileJsPredicate(source: string, timeoutMs: number): MessagePredicate {
  const sandbox = vm.createContext(Object.create(null), {
    name: 'keel-message-filter',
    // No eval / new Function / wasm inside the filter.
    codeGeneration: { strings: false, wasm: false },
  });
  // An expression is the common case; statements (with `return`) are a function body.
  const define = (body: string) =>
    new vm.Script(
      `"use strict"; globalThis.__keelPredicate = function (m) { const { key, value, headers, partition, offset, timestamp } = m; ${body}\n};`,
      { filename: 'filter.js' },
    );
  let script: vm.Script;
  try {
    script = define(`return (${source}\n);`);
  } catch {
    try {
      script = define(source);
    } catch (err) {
      throw new ContractError('FILTER_ERROR', `The filter does not compile: ${(err as Error).message}`);
    }
  }
  try {
    script.runInContext(sandbox, { timeout: 1_000 });
  } catch (err) {
    throw new ContractError('FILTER_ERROR', `The filter failed to load: ${(err as Error).message}`);
  }
  const call = new vm.Script('!!globalThis.__keelPredicate(JSON.parse(globalThis.__keelMessage))', { filename: 'filter-call.js' });
  // One warm-up call before the per-message limit applies: the first run in a fresh context
  // pays for compilation, which on a busy machine can exceed a 50 ms limit by itself.
  (sandbox as Record<string, unknown>).__keelMessage = JSON.stringify({ key: null, value: null, headers: {}, partition: 0, offset: '0', timestamp: 0 });
  try {
    call.runInContext(sandbox, { timeout: Math.max(timeoutMs, 250) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new ContractError('FILTER_ERROR', `The filter ran longer than ${timeoutMs} ms on an empty message`);
    }
    // Throwing on an empty message is fine: real messages have fields.
  }
  return (partition, record) => {
    const headers: Record<string, string | null> = {};
    for (const h of headerEntries(record.headers)) headers[h.key] = asString(h.value);
    (sandbox as Record<string, unknown>).__keelMessage = JSON.stringify({
      key: asString(record.key),
      value: parsedOrString(asString(record.value)),
      headers,
      partition,
      offset: String(record.offset),
      timestamp: Number(record.timestamp),
    });
    try {
      return call.runInContext(sandbox, { timeout: timeoutMs }) === true;
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
        throw new ContractError('FILTER_ERROR', `The filter ran longer than ${timeoutMs} ms on ${partition}/${record.offset}`, {
          partition,
          offset: String(record.offset),
        });
      }
      // A predicate that throws on one message's shape (missing field) just doesn't match it.
      return false;
    }
  };
}

/**
 * A case-insensitive substring test over raw bytes. For an ASCII needle it searches the bytes
 * in place (memchr-speed indexOf for the first letter in either case, then a byte compare), so
 * scanning a million messages allocates no strings; other needles decode and lower-case.
 */
export function bytesContainsIgnoreCase(needle: string): (buf: Buffer | null | undefined, start?: number, end?: number) => boolean {
  const lower = needle.toLowerCase();
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(needle) || lower.length === 0) {
    return (buf, start = 0, end = buf?.length ?? 0) => buf !== null && buf !== undefined && buf.toString('utf8', start, end).toLowerCase().includes(lower);
  }
  const lo = Buffer.from(lower, 'latin1');
  const up = Buffer.from(needle.toUpperCase(), 'latin1');
  const n = lo.length;
  const firstLo = lo[0]!;
  const firstUp = up[0]!;
  const restMatches = (buf: Buffer, at: number) => {
    for (let i = 1; i < n; i++) {
      const c = buf[at + i]!;
      if (c !== lo[i] && c !== up[i]) return false;
    }
    return true;
  };
  const scanFor = (buf: Buffer, first: number, start: number, end: number) => {
    for (let at = buf.indexOf(first, start); at !== -1 && at + n <= end; at = buf.indexOf(first, at + 1)) {
      if (restMatches(buf, at)) return true;
    }
    return false;
  };
  return (buf, start = 0, end = buf?.length ?? 0) => {
    if (buf === null || buf === undefined || end - start < n) return false;
    // indexOf has no end bound: search a view, or a miss would scan the rest of the buffer.
    const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
    return scanFor(view, firstLo, 0, view.length) || (firstUp !== firstLo && scanFor(view, firstUp, 0, view.length));
  };
}

export function compileFilter(filter: FilterInput | undefined): MessagePredicate | null {
  if (!filter || (!filter.text && !filter.js)) return null;
  const contains = filter.text ? bytesContainsIgnoreCase(filter.text) : null;
  const js = filter.js ? compileJsPredicate(filter.js, filter.jsTimeoutMs) : null;
  return (partition, record) => {
    if (contains !== null) {
      // Records read by our fetch codec expose their raw bytes: most misses end here, undecoded.
      const range = (record as { rawRange?: { buf: Buffer; start: number; end: number } }).rawRange;
      if (range && !contains(range.buf, range.start, range.end)) return false;
      if (!contains(record.value) && !contains(record.key) && !headerEntries(record.headers).some((h) => contains(h.value))) return false;
    }
    return js ? js(partition, record) : true;
  };
}
