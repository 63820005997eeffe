// Append-only record files for the history store. Each record is
//   [u32 LE payload length][u32 LE crc32(payload)][payload]
// behind a 4-byte magic. A crash can only tear the tail (we only ever append), so reading stops
// at the first record that is short or fails its checksum; opening for append cuts exactly that
// torn tail off and keeps every whole record before it.
import fs from 'node:fs';
import zlib from 'node:zlib';

/** KLH4: changed-only frames with trend predictions, Rice-coded residuals in 16-entity blocks (frame-codec.ts). An older file reads as empty and is restarted. */
export const MAGIC = Buffer.from('KLH4');
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

interface CachedScan { ino: number; size: number; mtimeMs: number; resume: { pos: number; offsets: number[] } }
const scans = new Map<string, CachedScan>();

/**
 * Like readRecordFile, but checksums each record once per process: queries read the same
 * closed files again and again, and the file being appended only grows.
 */
export function readRecordFileCached(file: string): ScanResult {
  let buf: Buffer;
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
    buf = fs.readFileSync(file);
  } catch {
    scans.delete(file);
    return { records: [], validBytes: 0, tornTail: false };
  }
  let c = scans.get(file);
  // Same file, only appended to since (or untouched): resume; anything else: scan afresh.
  if (!c || c.ino !== st.ino || buf.length < c.resume.pos || (buf.length === c.size && st.mtimeMs !== c.mtimeMs)) {
    c = { ino: st.ino, size: 0, mtimeMs: 0, resume: { pos: MAGIC.length, offsets: [] } };
  }
  c.size = buf.length;
  c.mtimeMs = st.mtimeMs;
  const res = scanRecords(buf, c.resume);
  if (res.validBytes === 0) scans.delete(file);
  else scans.set(file, c);
  if (scans.size > 256) scans.delete(scans.keys().next().value!);
  return res;
}

export function forgetCachedScan(file: string): void {
  scans.delete(file);
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
