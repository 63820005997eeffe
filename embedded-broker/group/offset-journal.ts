// Durable storage for committed offsets: a compacted snapshot plus an append-only journal in
// <dataDir>/group-offsets/. Both files hold the same framed records
//   [u32 payload length][u32 crc32c(payload)][payload: JSON]
// so one reader serves both. A commit is answered only after its record is fsync'd; records
// arriving while a write is in flight are batched into the next write (group commit), which
// is what lets thousands of commits per second share one fsync. A torn or corrupt tail (a
// crash mid-append) is cut off on load: those commits were never acknowledged.
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';

export type JournalRecord =
  | { k: 'c'; g: string; t: string; p: number; o: number; e: number; m: string | null; ct: number; xt: number | null }
  | { k: 'd'; g: string; t: string; p: number }
  | { k: 'x'; g: string }
  | { k: 'g'; g: string; pt: string | null; gen: number; ts: number };

const HEADER = 8;
/** Journal size at which the next idle moment rewrites the snapshot and empties the journal. */
const COMPACT_AT_BYTES = 32 * 1024 * 1024;

/** Frames records into one buffer (one allocation per batch: commits are the hot path). */
export function frameRecords(records: readonly JournalRecord[]): Buffer {
  const payloads = records.map((r) => JSON.stringify(r));
  const lengths = payloads.map((p) => Buffer.byteLength(p, 'utf8'));
  const out = Buffer.allocUnsafe(lengths.reduce((sum, n) => sum + HEADER + n, 0));
  let pos = 0;
  payloads.forEach((payload, i) => {
    const len = lengths[i]!;
    out.writeUInt32BE(len, pos);
    out.write(payload, pos + HEADER, len, 'utf8');
    out.writeUInt32BE(crc32c(out.subarray(pos + HEADER, pos + HEADER + len)) >>> 0, pos + 4);
    pos += HEADER + len;
  });
  return out;
}

/** Reads framed records until the end or the first damaged one; returns them and the good length. */
export function readRecords(buf: Buffer): { records: JournalRecord[]; goodBytes: number } {
  const records: JournalRecord[] = [];
  let pos = 0;
  while (pos + HEADER <= buf.length) {
    const len = buf.readUInt32BE(pos);
    if (pos + HEADER + len > buf.length) break;
    const payload = buf.subarray(pos + HEADER, pos + HEADER + len);
    if ((crc32c(payload) >>> 0) !== buf.readUInt32BE(pos + 4)) break;
    try {
      records.push(JSON.parse(payload.toString('utf8')) as JournalRecord);
    } catch {
      break;
    }
    pos += HEADER + len;
  }
  return { records, goodBytes: pos };
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class OffsetJournal {
  readonly dir: string;
  private readonly journalPath: string;
  private readonly snapshotPath: string;
  private fd: number | null = null;
  private journalBytes = 0;
  private pending: Buffer[] = [];
  private waiters: Waiter[] = [];
  private writing = false;
  private closed = false;

  constructor(
    dataDir: string,
    /** Produces the full current state as records, for compaction. */
    private readonly snapshotState: () => JournalRecord[],
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
  ) {
    this.dir = path.join(dataDir, 'group-offsets');
    this.journalPath = path.join(this.dir, 'journal.log');
    this.snapshotPath = path.join(this.dir, 'snapshot.log');
  }

  /** Reads snapshot then journal (cutting a torn tail off the journal); opens the journal for appends. */
  load(): JournalRecord[] {
    fs.mkdirSync(this.dir, { recursive: true });
    const out: JournalRecord[] = [];
    if (fs.existsSync(this.snapshotPath)) {
      const buf = fs.readFileSync(this.snapshotPath);
      const { records, goodBytes } = readRecords(buf);
      // The snapshot is replaced by rename, so damage here means the disk lied; keep what reads.
      if (goodBytes !== buf.length) this.log('error', `group offsets snapshot damaged after ${goodBytes} of ${buf.length} bytes`);
      out.push(...records);
    }
    if (fs.existsSync(this.journalPath)) {
      const buf = fs.readFileSync(this.journalPath);
      const { records, goodBytes } = readRecords(buf);
      if (goodBytes !== buf.length) {
        this.log('warn', `group offsets journal: discarding a torn tail of ${buf.length - goodBytes} bytes`);
        fs.truncateSync(this.journalPath, goodBytes);
      }
      out.push(...records);
      this.journalBytes = goodBytes;
    }
    this.fd = fs.openSync(this.journalPath, 'a');
    return out;
  }

  /** Appends records; resolves once they are on disk. */
  append(records: JournalRecord[]): Promise<void> {
    if (this.closed || this.fd === null) return Promise.reject(new Error('group offsets journal is closed'));
    this.pending.push(frameRecords(records));
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    if (this.writing || this.pending.length === 0 || this.fd === null) return;
    if (this.journalBytes >= COMPACT_AT_BYTES) this.compact();
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    this.writing = true;
    const fd = this.fd;
    const finish = (err: Error | null) => {
      this.writing = false;
      if (err) {
        this.log('error', `group offsets journal write failed: ${err.message}`);
        for (const w of waiters) w.reject(err);
      } else {
        this.journalBytes += data.length;
        for (const w of waiters) w.resolve();
      }
      if (this.closed) this.closeFd();
      else this.flush();
    };
    writeAll(fd, data, 0, (err) => {
      if (err) return finish(err);
      fs.fdatasync(fd, (syncErr) => finish(syncErr));
    });
  }

  /**
   * Rewrites the snapshot from memory and empties the journal. Runs only between writes.
   * Records still pending are written after it and replay idempotently on top of it.
   */
  compact(): void {
    if (this.fd === null || this.writing) return;
    const tmp = `${this.snapshotPath}.tmp`;
    const body = frameRecords(this.snapshotState());
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, body);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.snapshotPath);
    fsyncDir(this.dir);
    fs.ftruncateSync(this.fd, 0);
    fs.fsyncSync(this.fd);
    this.journalBytes = 0;
  }

  /** Stops accepting records; an in-flight write finishes (and is answered) before the file closes. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters) w.reject(new Error('group offsets journal closed'));
    this.waiters = [];
    this.pending = [];
    if (!this.writing) this.closeFd();
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed: nothing left to release
    }
    this.fd = null;
  }
}

function writeAll(fd: number, data: Buffer, offset: number, done: (err: Error | null) => void): void {
  fs.write(fd, data, offset, data.length - offset, null, (err, written) => {
    if (err) return done(err);
    if (offset + written < data.length) return writeAll(fd, data, offset + written, done);
    done(null);
  });
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}
