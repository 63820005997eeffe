// A durable, append-only journal of small records with a compacted snapshot beside it, in one
// directory: <dir>/<journal file> and <dir>/<snapshot file>. Both hold the same frames
//   [u32 frame length][u32 crc32c(rest of frame)] then records, each [u32 length][payload]
// where a payload is whatever the owner's codec writes. Used for state that is not a partition
// log (committed offsets, transaction metadata): last record wins on replay.
//
// Durability: `append` resolves only after its bytes are fsync'd; every append of one
// event-loop turn (and any arriving while a write is in flight) shares one frame, one write
// and one fdatasync (group commit), which is what lets tens of thousands of commits per
// second share few fsyncs. No append of a frame is answered before the whole frame is on
// disk, so one checksum per frame is enough: a torn or corrupt frame at the tail (a crash
// mid-write) held only unacknowledged records and is cut off on load. `appendSync` writes and
// fsyncs before returning, for owners whose state changes must not await halfway.
// Compaction rewrites the snapshot from the owner's live state (tmp file, fsync, rename,
// fsync dir) and empties the journal. A frame whose body starts with '{' is the earlier
// layout (one JSON record per frame, unprefixed) and is read as that one record.
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { RecordReader, RecordWriter } from './record-codec.js';

export { RecordReader, RecordWriter };

const FRAME_HEADER = 8;
const RECORD_HEADER = 4;
const JSON_OPEN_BRACE = 0x7b;
/** Journal size at which the next write first rewrites the snapshot and empties the journal. */
const DEFAULT_COMPACT_AT_BYTES = 32 * 1024 * 1024;
/** Snapshot frames are cut at about this size, so damage in one loses only its records. */
const SNAPSHOT_FRAME_BYTES = 1024 * 1024;

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

/** One promise per frame: every append into it is answered together. */
class Batch {
  readonly done: Promise<void>;
  resolve!: () => void;
  reject!: (err: Error) => void;
  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // An owner may drop the promise (fire-and-forget records); the failure is logged here.
    this.done.catch(() => undefined);
  }
}

export class RecordJournal<R> {
  private readonly journalPath: string;
  private readonly snapshotPath: string;
  private readonly compactAtBytes: number;
  private fd: number | null = null;
  private journalBytes = 0;
  /** The frame being filled; swapped with `spare` when its write begins. */
  private filling = new RecordWriter(64 * 1024);
  /** The other buffer: written while in flight, then reused, so steady load allocates little. */
  private spare = new RecordWriter(64 * 1024);
  private batch: Batch | null = null;
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
      const goodBytes = this.readFrames(buf, out);
      // The snapshot is replaced by rename, so damage here means the disk lied; keep what reads.
      if (goodBytes !== buf.length) this.opts.log('error', `${this.opts.label} snapshot damaged after ${goodBytes} of ${buf.length} bytes`);
    }
    if (fs.existsSync(this.journalPath)) {
      const buf = fs.readFileSync(this.journalPath);
      const goodBytes = this.readFrames(buf, out);
      if (goodBytes !== buf.length) {
        this.opts.log('warn', `${this.opts.label} journal: discarding a torn tail of ${buf.length - goodBytes} bytes`);
        fs.truncateSync(this.journalPath, goodBytes);
      }
      this.journalBytes = goodBytes;
    }
    this.fd = fs.openSync(this.journalPath, 'a');
    return out;
  }

  /** Reads frames into `out` until the end or the first damaged one; returns the good length. */
  private readFrames(buf: Buffer, out: R[]): number {
    let pos = 0;
    while (pos + FRAME_HEADER <= buf.length) {
      const len = buf.readUInt32BE(pos);
      if (pos + FRAME_HEADER + len > buf.length) break;
      const body = buf.subarray(pos + FRAME_HEADER, pos + FRAME_HEADER + len);
      if ((crc32c(body) >>> 0) !== buf.readUInt32BE(pos + 4)) break;
      const records = this.decodeFrame(body);
      if (!records) break;
      for (const r of records) out.push(r);
      pos += FRAME_HEADER + len;
    }
    return pos;
  }

  /** A frame's records, or null if any cannot be read (the frame then counts as damaged). */
  private decodeFrame(body: Buffer): R[] | null {
    try {
      if (body[0] === JSON_OPEN_BRACE) return [this.opts.codec.decode(new RecordReader(body))];
      const records: R[] = [];
      let pos = 0;
      while (pos < body.length) {
        if (pos + RECORD_HEADER > body.length) return null;
        const len = body.readUInt32BE(pos);
        if (pos + RECORD_HEADER + len > body.length) return null;
        records.push(this.opts.codec.decode(new RecordReader(body.subarray(pos + RECORD_HEADER, pos + RECORD_HEADER + len))));
        pos += RECORD_HEADER + len;
      }
      return records;
    } catch {
      return null;
    }
  }

  /** Adds records to the open frame of `w` (opening one if needed). */
  private encodeInto(w: RecordWriter, records: Iterable<R>): void {
    if (w.length === 0) w.reserve(FRAME_HEADER);
    for (const r of records) this.encodeRecord(w, r);
  }

  private encodeRecord(w: RecordWriter, r: R): void {
    const start = w.reserve(RECORD_HEADER);
    this.opts.codec.encode(r, w);
    w.buffer.writeUInt32BE(w.length - start - RECORD_HEADER, start);
  }

  /** Closes the frame that starts at `from` in `w`: length and checksum. */
  private sealFrame(w: RecordWriter, from: number): void {
    const len = w.length - from - FRAME_HEADER;
    w.buffer.writeUInt32BE(len, from);
    w.buffer.writeUInt32BE(crc32c(w.buffer.subarray(from + FRAME_HEADER, w.length)) >>> 0, from + 4);
  }

  /** Appends records; resolves once they are on disk. */
  append(records: Iterable<R>): Promise<void> {
    if (this.closed || this.fd === null) return Promise.reject(new Error(`${this.opts.label} journal is closed`));
    this.encodeInto(this.filling, records);
    if (!this.batch) this.batch = new Batch();
    if (!this.flushScheduled && !this.writing) {
      // Wait for the rest of this turn's appends, so they share the frame, the write and the fsync.
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
    return this.batch.done;
  }

  /** Appends records and fsyncs them before returning; throws if the disk refuses. */
  appendSync(records: Iterable<R>): void {
    if (this.closed || this.fd === null) throw new Error(`${this.opts.label} journal is closed`);
    // A synchronous writer would overtake buffered async appends; owners use one mode only.
    if (this.writing || this.batch) throw new Error(`${this.opts.label} journal: appendSync while async appends are pending`);
    if (this.journalBytes >= this.compactAtBytes) this.compact();
    const w = this.filling;
    try {
      this.encodeInto(w, records);
      this.sealFrame(w, 0);
      let off = 0;
      while (off < w.length) off += fs.writeSync(this.fd, w.buffer, off, w.length - off);
      fs.fdatasyncSync(this.fd);
      this.journalBytes += w.length;
    } finally {
      w.reset();
    }
  }

  private flush(): void {
    const batch = this.batch;
    if (this.writing || !batch || this.fd === null) return;
    if (this.journalBytes >= this.compactAtBytes) this.compact();
    const w = this.filling;
    this.filling = this.spare;
    this.spare = w;
    this.batch = null;
    this.sealFrame(w, 0);
    const data = w.buffer.subarray(0, w.length);
    this.writing = true;
    const fd = this.fd;
    const finish = (err: Error | null) => {
      this.writing = false;
      w.reset();
      if (err) {
        this.opts.log('error', `${this.opts.label} journal write failed: ${err.message}`);
        batch.reject(err);
      } else {
        this.journalBytes += data.length;
        batch.resolve();
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
    let frameStart = 0;
    for (const r of this.opts.snapshotState()) {
      if (body.length - frameStart >= SNAPSHOT_FRAME_BYTES) {
        this.sealFrame(body, frameStart);
        frameStart = body.length;
      }
      if (body.length === frameStart) body.reserve(FRAME_HEADER);
      this.encodeRecord(body, r);
    }
    if (body.length > frameStart) this.sealFrame(body, frameStart);
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
    this.batch?.reject(new Error(`${this.opts.label} journal closed`));
    this.batch = null;
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
