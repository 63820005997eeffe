// A durable, append-only journal of small records with a compacted snapshot beside it, in one
// directory: <dir>/<journal file> and <dir>/<snapshot file>. Both hold the same framing
//   [u32 payload length][u32 crc32c(payload)][payload]
// where the payload is whatever the owner's codec writes. Used for state that is not a
// partition log (committed offsets, transaction metadata): last record wins on replay.
//
// Durability: `append` resolves only after its bytes are fsync'd; every append of one
// event-loop turn (and any arriving while a write is in flight) shares one write + fdatasync
// (group commit), which is what lets tens of thousands of commits per second share few
// fsyncs. `appendSync` writes and fsyncs before returning, for owners whose state changes
// must not await halfway. A torn or corrupt tail (a crash mid-append, never acknowledged) is
// cut off on load. Compaction rewrites the snapshot from the owner's live state (tmp file,
// fsync, rename, fsync dir) and empties the journal.
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { RecordReader, RecordWriter } from './record-codec.js';

export { RecordReader, RecordWriter };

const HEADER = 8;
/** Journal size at which the next write first rewrites the snapshot and empties the journal. */
const DEFAULT_COMPACT_AT_BYTES = 32 * 1024 * 1024;

export interface RecordCodec<R> {
  encode(record: R, out: RecordWriter): void;
  /** Throws on a payload it cannot read (treated like a checksum failure). */
  decode(payload: RecordReader): R;
}

export interface RecordJournalOptions<R> {
  dir: string;
  journalFile: string;
  snapshotFile: string;
  /** For log lines: what the journal holds ("group offsets"). */
  label: string;
  codec: RecordCodec<R>;
  /** The full current state as records, for compaction. */
  snapshotState: () => Iterable<R>;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  compactAtBytes?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class RecordJournal<R> {
  private readonly journalPath: string;
  private readonly snapshotPath: string;
  private readonly compactAtBytes: number;
  private fd: number | null = null;
  private journalBytes = 0;
  /** Records framed since the last write started; swapped with `spare` when a write begins. */
  private filling = new RecordWriter(64 * 1024);
  /** The other buffer: written while in flight, then reused, so steady load allocates nothing. */
  private spare = new RecordWriter(64 * 1024);
  private waiters: Waiter[] = [];
  private writing = false;
  private flushScheduled = false;
  private closed = false;

  constructor(private readonly opts: RecordJournalOptions<R>) {
    this.journalPath = path.join(opts.dir, opts.journalFile);
    this.snapshotPath = path.join(opts.dir, opts.snapshotFile);
    this.compactAtBytes = opts.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES;
  }

  /** Snapshot records, then journal records (cutting a torn tail); opens the journal for appends. */
  load(): R[] {
    fs.mkdirSync(this.opts.dir, { recursive: true });
    const out: R[] = [];
    if (fs.existsSync(this.snapshotPath)) {
      const buf = fs.readFileSync(this.snapshotPath);
      const goodBytes = this.readFramed(buf, out);
      // The snapshot is replaced by rename, so damage here means the disk lied; keep what reads.
      if (goodBytes !== buf.length) this.opts.log('error', `${this.opts.label} snapshot damaged after ${goodBytes} of ${buf.length} bytes`);
    }
    if (fs.existsSync(this.journalPath)) {
      const buf = fs.readFileSync(this.journalPath);
      const goodBytes = this.readFramed(buf, out);
      if (goodBytes !== buf.length) {
        this.opts.log('warn', `${this.opts.label} journal: discarding a torn tail of ${buf.length - goodBytes} bytes`);
        fs.truncateSync(this.journalPath, goodBytes);
      }
      this.journalBytes = goodBytes;
    }
    this.fd = fs.openSync(this.journalPath, 'a');
    return out;
  }

  /** Reads framed records into `out` until the end or the first damaged one; returns the good length. */
  private readFramed(buf: Buffer, out: R[]): number {
    let pos = 0;
    while (pos + HEADER <= buf.length) {
      const len = buf.readUInt32BE(pos);
      if (pos + HEADER + len > buf.length) break;
      const payload = buf.subarray(pos + HEADER, pos + HEADER + len);
      if ((crc32c(payload) >>> 0) !== buf.readUInt32BE(pos + 4)) break;
      try {
        out.push(this.opts.codec.decode(new RecordReader(payload)));
      } catch {
        break;
      }
      pos += HEADER + len;
    }
    return pos;
  }

  private frameInto(w: RecordWriter, records: Iterable<R>): void {
    for (const r of records) {
      const start = w.reserve(HEADER);
      this.opts.codec.encode(r, w);
      const len = w.length - start - HEADER;
      w.buffer.writeUInt32BE(len, start);
      w.buffer.writeUInt32BE(crc32c(w.buffer.subarray(start + HEADER, start + HEADER + len)) >>> 0, start + 4);
    }
  }

  /** Appends records; resolves once they are on disk. */
  append(records: Iterable<R>): Promise<void> {
    if (this.closed || this.fd === null) return Promise.reject(new Error(`${this.opts.label} journal is closed`));
    this.frameInto(this.filling, records);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.flushScheduled && !this.writing) {
        // Wait for the rest of this turn's appends, so they share the write and the fsync.
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Appends records and fsyncs them before returning; throws if the disk refuses. */
  appendSync(records: Iterable<R>): void {
    if (this.closed || this.fd === null) throw new Error(`${this.opts.label} journal is closed`);
    // A synchronous writer would overtake buffered async appends; owners use one mode only.
    if (this.writing || this.filling.length > 0) throw new Error(`${this.opts.label} journal: appendSync while async appends are pending`);
    if (this.journalBytes >= this.compactAtBytes) this.compact();
    this.frameInto(this.filling, records);
    const data = this.filling.buffer.subarray(0, this.filling.length);
    try {
      let off = 0;
      while (off < data.length) off += fs.writeSync(this.fd, data, off, data.length - off);
      fs.fdatasyncSync(this.fd);
      this.journalBytes += data.length;
    } finally {
      this.filling.reset();
    }
  }

  private flush(): void {
    if (this.writing || this.filling.length === 0 || this.fd === null) return;
    if (this.journalBytes >= this.compactAtBytes) this.compact();
    const batch = this.filling;
    this.filling = this.spare;
    this.spare = batch;
    const data = batch.buffer.subarray(0, batch.length);
    const waiters = this.waiters;
    this.waiters = [];
    this.writing = true;
    const fd = this.fd;
    const finish = (err: Error | null) => {
      this.writing = false;
      batch.reset();
      if (err) {
        this.opts.log('error', `${this.opts.label} journal write failed: ${err.message}`);
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
   * Rewrites the snapshot from the owner's state and empties the journal. Runs only between
   * writes; records still buffered are written after it and replay idempotently on top of it.
   */
  compact(): void {
    if (this.fd === null || this.writing) return;
    const tmp = `${this.snapshotPath}.tmp`;
    const body = new RecordWriter(64 * 1024);
    this.frameInto(body, this.opts.snapshotState());
    const fd = fs.openSync(tmp, 'w');
    try {
      let off = 0;
      while (off < body.length) off += fs.writeSync(fd, body.buffer, off, body.length - off);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.snapshotPath);
    fsyncDir(this.opts.dir);
    fs.ftruncateSync(this.fd, 0);
    fs.fsyncSync(this.fd);
    this.journalBytes = 0;
  }

  /** Stops accepting records; an in-flight write finishes (and is answered) before the file closes. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters) w.reject(new Error(`${this.opts.label} journal closed`));
    this.waiters = [];
    this.filling.reset();
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
