// Offline integrity scan of partition log files: every segment must be a sequence of whole
// record batches (magic 2) with valid CRC-32C and strictly increasing offsets that continue
// from one segment to the next.
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { BATCH_HEADER_SIZE, readBatchHeader } from '../../embedded-broker/protocol/record-batch.js';

export interface SegmentScan {
  file: string;
  batches: number;
  firstOffset: number;
  nextOffset: number;
  problems: string[];
}

/** Scans one segment file from its start. */
export function scanSegmentFile(file: string): SegmentScan {
  const buf = fs.readFileSync(file);
  const base = Number(path.basename(file).slice(0, 20));
  const scan: SegmentScan = { file, batches: 0, firstOffset: -1, nextOffset: base, problems: [] };
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < BATCH_HEADER_SIZE) {
      scan.problems.push(`${buf.length - pos} trailing bytes at ${pos}`);
      break;
    }
    const h = readBatchHeader(buf, pos);
    if (h.magic !== 2) {
      scan.problems.push(`magic ${h.magic} at ${pos}`);
      break;
    }
    if (h.size < BATCH_HEADER_SIZE || pos + h.size > buf.length) {
      scan.problems.push(`batch at ${pos} declares ${h.size} bytes, file has ${buf.length - pos} left`);
      break;
    }
    const crc = crc32c(buf.subarray(pos + 21, pos + h.size)) >>> 0;
    if (crc !== h.crc) scan.problems.push(`CRC mismatch at ${pos} (offset ${h.baseOffset}): stored ${h.crc}, computed ${crc}`);
    if (h.baseOffset < scan.nextOffset) scan.problems.push(`offset ${h.baseOffset} at ${pos} goes backwards (expected >= ${scan.nextOffset})`);
    if (h.recordCount !== h.lastOffsetDelta + 1) scan.problems.push(`batch at ${pos}: ${h.recordCount} records, lastOffsetDelta ${h.lastOffsetDelta}`);
    if (scan.firstOffset < 0) scan.firstOffset = h.baseOffset;
    scan.nextOffset = h.lastOffset + 1;
    scan.batches++;
    pos += h.size;
  }
  return scan;
}

/** Every `*.log` segment under `dataDir`, grouped by partition directory, in offset order. */
export function listSegments(dataDir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/^\d{20}\.log$/.test(entry.name)) {
        const list = out.get(dir) ?? [];
        list.push(p);
        out.set(dir, list);
      }
    }
  };
  walk(dataDir);
  for (const list of out.values()) list.sort();
  return out;
}

/** Scans every segment of every partition; problems include gaps between segments. */
export function scanDataDir(dataDir: string): { segments: number; batches: number; problems: string[] } {
  let segments = 0;
  let batches = 0;
  const problems: string[] = [];
  for (const [dir, files] of listSegments(dataDir)) {
    let expected = -1;
    for (const file of files) {
      const s = scanSegmentFile(file);
      segments++;
      batches += s.batches;
      problems.push(...s.problems.map((p) => `${file}: ${p}`));
      if (expected >= 0 && s.firstOffset >= 0 && s.firstOffset !== expected) {
        problems.push(`${dir}: segment ${path.basename(file)} starts at ${s.firstOffset}, previous ended at ${expected}`);
      }
      if (s.batches > 0) expected = s.nextOffset;
    }
  }
  return { segments, batches, problems };
}
