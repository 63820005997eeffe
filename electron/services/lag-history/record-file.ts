// Append-only record files for the history store. Each record is
//   [u32 LE payload length][u32 LE crc32(payload)][payload]
// behind a 4-byte magic. A crash can only tear the tail (we only ever append), so reading stops
// at the first record that is short or fails its checksum; opening for append cuts exactly that
// torn tail off and keeps every whole record before it.
import fs from 'node:fs';
import zlib from 'node:zlib';

/** KLH9: changed-only frames with predictions (codec-state.ts), range-coded entry flags and Rice-coded residuals in entity blocks, deflated dictionaries (frame-codec.ts). An older file reads as empty and is restarted. */
export const MAGIC = Buffer.from('KLH9');
const HEADER = 8;
/** No sane frame is this large; a length beyond it means garbage, not a record. */
const MAX_RECORD = 256 * 1024 * 1024;

export interface ScanResult {
  records: Buffer[];
  /** Byte length of the valid prefix (magic + whole records). */
  validBytes: number;
  /** True when bytes after the valid prefix were ignored. */
  tornTail: boolean;
}

/** Reads every whole record; never modifies the file. */
export function scanRecords(buf: Buffer, resume?: { pos: number; offsets: number[] }): ScanResult {
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    return { records: [], validBytes: 0, tornTail: buf.length > 0 };
  }
  const records: Buffer[] = [];
  let pos = MAGIC.length;
  if (resume) {
    // Records already checked: only slice them again.
    for (const off of resume.offsets) records.push(buf.subarray(off + HEADER, off + HEADER + buf.readUInt32LE(off)));
    pos = resume.pos;
  }
  while (pos + HEADER <= buf.length) {
    const len = buf.readUInt32LE(pos);
    const crc = buf.readUInt32LE(pos + 4);
    if (len > MAX_RECORD || pos + HEADER + len > buf.length) break;
    const payload = buf.subarray(pos + HEADER, pos + HEADER + len);
    if (zlib.crc32(payload) !== crc) break;
    records.push(payload);
    resume?.offsets.push(pos);
    pos += HEADER + len;
  }
  if (resume) resume.pos = pos;
  return { records, validBytes: pos, tornTail: pos < buf.length };
}

interface CachedScan {
  ino: number;
  mtimeMs: number;
  /** The file's bytes so far (`size` of them), in a buffer with room to grow. */
  buf: Buffer;
  size: number;
  resume: { pos: number; offsets: number[] };
}
const scans = new Map<string, CachedScan>();
/** Bytes of file contents kept for queries; least recently used files go first. */
const CACHE_BYTES = 128 * 1024 * 1024;
let cachedBytes = 0;

function drop(file: string): void {
  const c = scans.get(file);
  if (!c) return;
  cachedBytes -= c.buf.length;
  scans.delete(file);
}

/**
 * Like readRecordFile, but keeps files in memory (within a budget) and checksums each record
 * once per process: queries read the same closed files again and again, and the file being
 * appended only grows, so only its new bytes are read.
 */
export function readRecordFileCached(file: string): ScanResult {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    drop(file);
    return { records: [], validBytes: 0, tornTail: false };
  }
  let c = scans.get(file);
  // Same file, only appended to since (or untouched): read the tail; anything else: afresh.
  if (c && (c.ino !== st.ino || st.size < c.size || (st.size === c.size && st.mtimeMs !== c.mtimeMs))) {
    drop(file);
    c = undefined;
  }
  try {
    if (!c) {
      const buf = fs.readFileSync(file);
      c = { ino: st.ino, mtimeMs: st.mtimeMs, buf, size: buf.length, resume: { pos: MAGIC.length, offsets: [] } };
      cachedBytes += buf.length;
    } else if (st.size > c.size) {
      if (st.size > c.buf.length) {
        const grown = Buffer.allocUnsafe(Math.max(st.size, c.buf.length * 2));
        c.buf.copy(grown, 0, 0, c.size);
        cachedBytes += grown.length - c.buf.length;
        c.buf = grown;
      }
      const fd = fs.openSync(file, 'r');
      try {
        c.size += fs.readSync(fd, c.buf, c.size, st.size - c.size, c.size);
      } finally {
        fs.closeSync(fd);
      }
    }
  } catch {
    drop(file);
    return { records: [], validBytes: 0, tornTail: false };
  }
  c.mtimeMs = st.mtimeMs;
  scans.delete(file);
  scans.set(file, c); // most recently used last
  const res = scanRecords(c.buf.subarray(0, c.size), c.resume);
  if (res.validBytes === 0) drop(file);
  for (const [name] of scans) {
    if (cachedBytes <= CACHE_BYTES || name === file) break;
    drop(name);
  }
  return res;
}

export function forgetCachedScan(file: string): void {
  drop(file);
}

export function readRecordFile(file: string): ScanResult {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return { records: [], validBytes: 0, tornTail: false };
  }
  return scanRecords(buf);
}

export function frameRecord(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(zlib.crc32(payload), 4);
  payload.copy(out, HEADER);
  return out;
}

/** An open file being appended to. */
export class RecordAppender {
  private fd: number;
  size: number;

  private constructor(fd: number, size: number) {
    this.fd = fd;
    this.size = size;
  }

  /**
   * Opens (creating if needed) and returns the records already in the file, after cutting off
   * a torn tail so new records follow the last whole one.
   */
  static open(file: string): { appender: RecordAppender; existing: Buffer[]; truncated: boolean } {
    const scan = readRecordFile(file);
    const fd = fs.openSync(file, fs.existsSync(file) ? 'r+' : 'w+');
    let size = scan.validBytes;
    // Bytes past the valid prefix are about to be replaced: cached offsets there would lie.
    if (size === 0 || scan.tornTail) forgetCachedScan(file);
    if (size === 0) {
      // Empty or unreadable header: start the file afresh with the magic.
      fs.ftruncateSync(fd, 0);
      fs.writeSync(fd, MAGIC, 0, MAGIC.length, 0);
      size = MAGIC.length;
    } else if (scan.tornTail) {
      fs.ftruncateSync(fd, size);
    }
    return { appender: new RecordAppender(fd, size), existing: scan.records, truncated: scan.tornTail };
  }

  append(payload: Buffer): void {
    const rec = frameRecord(payload);
    // Positional write at our own idea of the end: a half-written record from an earlier failed
    // write is overwritten rather than left in the middle.
    let off = 0;
    while (off < rec.length) off += fs.writeSync(this.fd, rec, off, rec.length - off, this.size + off);
    this.size += rec.length;
  }

  sync(): void {
    try {
      fs.fdatasyncSync(this.fd);
    } catch {
      // Best effort: a filesystem without fdatasync still has the data in the page cache.
    }
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }
}
