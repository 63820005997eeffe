// Message browsing: scans partitions forwards or backwards from a start point, filters, merges
// by time and hands back cursors that resume exactly where this page's results end, so paging
// neither skips nor repeats a message even when a filter hides most of them.
import { ContractError } from '../contract/errors.js';
import type { BrowseOutput, MethodParsedInput } from './browser-types.js';
import type { KafkaAdapter, RawRecord } from './kafka-adapter.js';
import { compileFilter, type MessagePredicate } from './js-filter.js';
import { toMessageView } from './message-codec.js';
import { fetchPartitions } from './record-fetch.js';
import { topicMeta } from './topic-service.js';

type Direction = 'forward' | 'backward';
interface Cursor {
  d: Direction;
  /** forward: next offset to read; backward: exclusive upper bound. Per partition. */
  p: Record<string, string>;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if ((c.d === 'forward' || c.d === 'backward') && c.p && typeof c.p === 'object') {
      for (const [k, v] of Object.entries(c.p)) if (!/^\d+$/.test(k) || !/^\d+$/.test(String(v))) throw new Error('bad');
      return c;
    }
  } catch {
    // fall through
  }
  throw new ContractError('INVALID_INPUT', 'The browse cursor is not valid');
}

interface Match {
  partition: number;
  offset: bigint;
  timestamp: number;
  record: RawRecord;
}

interface Scan {
  partition: number;
  /** forward: next to read; backward: exclusive upper bound. */
  pos: bigint;
  low: bigint;
  high: bigint;
  start: bigint;
  matches: Match[];
}

export interface BrowseContext {
  progress?: (p: { scanned: number; matched: number; elapsedMs: number }) => void;
  /** Aborted by messages.cancelBrowse: the scan stops at its next check and returns what it has. */
  signal?: AbortSignal;
}

/** Longest stretch of synchronous filtering before the scan yields, so a cancel (or any other call) gets in. */
const YIELD_AFTER_MS = 25;

const SCAN_FETCH_BYTES = 1024 * 1024;

const byTimeAsc = (a: Match, b: Match) => a.timestamp - b.timestamp || a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0);

export async function browseMessages(
  adapter: KafkaAdapter,
  input: MethodParsedInput,
  ctx: BrowseContext = {},
): Promise<BrowseOutput> {
  const started = Date.now();
  const deadline = started + input.limits.timeBudgetMs;
  const predicate: MessagePredicate | null = compileFilter(input.filter);
  const meta = await topicMeta(adapter, input.topic);
  const all = meta.partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b);

  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  const partitions = cursor ? Object.keys(cursor.p).map(Number) : (input.partitions ?? all);
  for (const p of partitions) if (!all.includes(p)) throw new ContractError('NOT_FOUND', `Partition ${p} of "${input.topic}" does not exist`);
  const req = [{ topic: input.topic, partitions }];
  const [lowM, highM] = await Promise.all([adapter.offsets(req, 'earliest'), adapter.offsets(req, 'latest')]);
  const low = (p: number) => BigInt(lowM.get(input.topic)?.get(p) ?? '0');
  const high = (p: number) => BigInt(highM.get(input.topic)?.get(p) ?? '0');
  const clamp = (p: number, v: bigint) => (v < low(p) ? low(p) : v > high(p) ? high(p) : v);

  let direction: Direction;
  let resultLimit = input.limits.results;
  let starts: Map<number, bigint>;
  if (cursor) {
    direction = cursor.d;
    starts = new Map(partitions.map((p) => [p, clamp(p, BigInt(cursor.p[String(p)]!))]));
  } else {
    const s = input.start;
    direction = s.from === 'end' || s.from === 'newest' ? 'backward' : 'forward';
    if (s.from === 'newest') resultLimit = s.count;
    if (s.from === 'timestamp') {
      const byTime = await adapter.offsets(req, { timestamp: s.timestamp });
      starts = new Map(partitions.map((p) => {
        const found = BigInt(byTime.get(input.topic)?.get(p) ?? '-1');
        return [p, found < 0n ? high(p) : clamp(p, found)];
      }));
    } else {
      starts = new Map(partitions.map((p) => [p, s.from === 'beginning' ? low(p) : s.from === 'offset' ? clamp(p, BigInt(s.offset)) : high(p)]));
    }
  }

  const scans: Scan[] = partitions.map((p) => ({ partition: p, pos: starts.get(p)!, low: low(p), high: high(p), start: starts.get(p)!, matches: [] }));
  let scanned = 0;
  let matched = 0;
  let stoppedBy: BrowseOutput['stats']['stoppedBy'] = 'end';
  let lastProgress = 0;
  const stopNow = () => {
    if (ctx.signal?.aborted) stoppedBy = 'cancelled';
    else if (scanned >= input.limits.scan) stoppedBy = 'scan';
    else if (Date.now() >= deadline) stoppedBy = 'time';
    else return false;
    return true;
  };
  const report = (force = false) => {
    if (!ctx.progress || (!force && Date.now() - lastProgress < 200)) return;
    lastProgress = Date.now();
    ctx.progress({ scanned, matched, elapsedMs: Date.now() - started });
  };
  let lastYield = Date.now();
  const breathe = async () => {
    if (Date.now() - lastYield < YIELD_AFTER_MS) return;
    await new Promise((r) => setImmediate(r));
    lastYield = Date.now();
    report();
  };
  const consider = (scan: Scan, rec: RawRecord): boolean => {
    scanned++;
    if (predicate && !predicate(scan.partition, rec)) return false;
    scan.matches.push({ partition: scan.partition, offset: BigInt(rec.offset), timestamp: Number(rec.timestamp), record: rec });
    matched++;
    return true;
  };

  const checkEachRecord = Boolean(input.filter?.js);
  const forward = async (scan: Scan) => {
    while (scan.pos < scan.high && scan.matches.length < resultLimit && !stopNow()) {
      // Bigger reads for long scans: fewer round trips while the broker's thread prepares the next.
      const read = (await fetchPartitions(adapter, input.topic, [{ partition: scan.partition, offset: scan.pos.toString() }], { maxBytesPerPartition: SCAN_FETCH_BYTES })).get(scan.partition)!;
      if (read.nextOffset === null) break; // nothing more below the high watermark right now
      // Per-record work is the scan rate: offsets are parsed only where a read crosses the high
      // watermark, and the clock, cancel and yield checks run every 256 records (every record
      // under a JS filter, which is slow enough to need them).
      const recs = read.records;
      const crossesHigh = recs.length > 0 && BigInt(recs[recs.length - 1]!.offset) >= scan.high;
      let last: RawRecord | null = null;
      for (let i = 0; i < recs.length; i++) {
        const rec = recs[i]!;
        if (crossesHigh && BigInt(rec.offset) >= scan.high) break;
        // Partitions scan concurrently: another one may have used up the scan limit during our fetch.
        if (scanned >= input.limits.scan) break;
        consider(scan, rec);
        last = rec;
        if (scan.matches.length >= resultLimit || scanned >= input.limits.scan) break;
        if (checkEachRecord || (i & 255) === 255) {
          if (stopNow()) break;
          await breathe();
        }
      }
      if (last) scan.pos = BigInt(last.offset) + 1n;
      if (scan.matches.length < resultLimit && !stopNow()) scan.pos = BigInt(read.nextOffset) > scan.pos ? BigInt(read.nextOffset) : scan.pos;
      report();
    }
  };

  const backward = async (scan: Scan) => {
    let window = BigInt(Math.min(1000, Math.max(50, resultLimit * (predicate ? 4 : 1))));
    while (scan.pos > scan.low && scan.matches.length < resultLimit && !stopNow()) {
      const from = scan.pos - window > scan.low ? scan.pos - window : scan.low;
      const records: RawRecord[] = [];
      let at = from;
      while (at < scan.pos) {
        const read = (await fetchPartitions(adapter, input.topic, [{ partition: scan.partition, offset: at.toString() }])).get(scan.partition)!;
        for (const rec of read.records) if (BigInt(rec.offset) < scan.pos) records.push(rec);
        if (read.nextOffset === null) break;
        at = BigInt(read.nextOffset);
      }
      let pos = from;
      for (let i = records.length - 1; i >= 0; i--) {
        const rec = records[i]!;
        consider(scan, rec);
        if (scan.matches.length >= resultLimit || stopNow()) {
          pos = BigInt(rec.offset);
          break;
        }
        await breathe();
      }
      scan.pos = pos;
      // A filter that matches rarely needs bigger steps back to finish in time.
      if (window < 10_000n) window *= 2n;
      report();
    }
  };

  await Promise.all(scans.map((s) => (direction === 'forward' ? forward(s) : backward(s))));
  if (stoppedBy === 'end' && matched >= resultLimit) stoppedBy = 'results';
  report(true);

  const allMatches = scans.flatMap((s) => s.matches).sort(byTimeAsc);
  const chosen = direction === 'forward' ? allMatches.slice(0, resultLimit) : allMatches.slice(-resultLimit);
  const included = new Set(chosen);
  const next: Record<string, string> = {};
  const prev: Record<string, string> = {};
  let moreThisWay = false;
  for (const scan of scans) {
    const mine = scan.matches.filter((m) => included.has(m));
    const left = scan.matches.filter((m) => !included.has(m));
    if (direction === 'forward') {
      // Matches cut by the merge come back on the next page, from the first of them.
      next[scan.partition] = (left.length > 0 ? left.reduce((a, m) => (m.offset < a ? m.offset : a), left[0]!.offset) : scan.pos).toString();
      prev[scan.partition] = (mine.length > 0 ? mine.reduce((a, m) => (m.offset < a ? m.offset : a), mine[0]!.offset) : scan.start).toString();
    } else {
      const nextUpper = left.length > 0 ? left.reduce((a, m) => (m.offset > a ? m.offset : a), left[0]!.offset) + 1n : scan.pos;
      next[scan.partition] = nextUpper.toString();
      if (nextUpper > scan.low) moreThisWay = true;
      prev[scan.partition] = (mine.length > 0 ? mine.reduce((a, m) => (m.offset > a ? m.offset : a), mine[0]!.offset) + 1n : scan.start).toString();
    }
  }
  const messages = (direction === 'backward' && (cursor !== null || input.start.from === 'end') ? [...chosen].reverse() : chosen).map(
    (m) => toMessageView(m.partition, m.record, input.decode),
  );
  const other: Direction = direction === 'forward' ? 'backward' : 'forward';
  return {
    messages,
    // Forward paging can always continue later (new messages arrive); backward ends at log start.
    nextCursor: direction === 'forward' || moreThisWay ? encodeCursor({ d: direction, p: next }) : null,
    prevCursor: encodeCursor({ d: other, p: prev }),
    direction,
    stats: { scanned, matched, elapsedMs: Date.now() - started, stoppedBy },
  };
}
