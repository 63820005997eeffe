// Keeps a ProducerStateTable in step with one replica's PartitionLog and on disk with it.
// A snapshot (producer-state.snapshot, JSON, written atomically) records the table as of a
// log offset; it is written when the log rolls a segment (the sealed data is fsync'd) and
// when it closes cleanly. Opening loads the snapshot if the log still reaches its offset
// and replays the batch headers after it; otherwise (crash before any snapshot, recovery cut
// the tail, truncation) the table is rebuilt from every batch header in the log. Control
// batches are re-read to learn commit vs abort, which lives in the marker record's key.
import fs from 'node:fs';
import path from 'node:path';
import type { PartitionLog } from '../log/partition-log.js';
import type { LogListener } from '../log/log-listener.js';
import { BATCH_HEADER_SIZE, type BatchHeader } from '../protocol/record-batch.js';
import { ProducerStateTable, type ControlMarker } from './producer-state.js';

export const PRODUCER_SNAPSHOT_FILE = 'producer-state.snapshot';
const SNAPSHOT_VERSION = 1;

/** Zigzag varint at `pos`; returns value and next position. */
function readVarint(buf: Buffer, pos: number): [number, number] {
  let raw = 0;
  let mul = 1;
  for (let i = 0; i < 10 && pos < buf.length; i++) {
    const b = buf[pos++]!;
    raw += (b & 0x7f) * mul;
    mul *= 128;
    if ((b & 0x80) === 0) break;
  }
  return [raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2, pos];
}

/**
 * The end-transaction marker of a control batch starting at `pos` in `buf`: key = version
 * int16 + type int16 (0 abort, 1 commit), value = version int16 + coordinator epoch int32.
 * Null for other control types (or a malformed record), which carry no transaction outcome.
 */
export function parseControlMarker(buf: Buffer, pos: number): ControlMarker | null {
  try {
    let p = pos + BATCH_HEADER_SIZE;
    [, p] = readVarint(buf, p); // record length
    p += 1; // attributes
    [, p] = readVarint(buf, p); // timestamp delta
    [, p] = readVarint(buf, p); // offset delta
    let keyLen: number;
    [keyLen, p] = readVarint(buf, p);
    if (keyLen < 4) return null;
    const type = buf.readInt16BE(p + 2);
    p += keyLen;
    if (type !== 0 && type !== 1) return null;
    let valueLen: number;
    [valueLen, p] = readVarint(buf, p);
    const coordinatorEpoch = valueLen >= 6 ? buf.readInt32BE(p + 2) : -1;
    return { commit: type === 1, coordinatorEpoch };
  } catch {
    return null;
  }
}

export class LogProducerState implements LogListener {
  readonly table = new ProducerStateTable();

  constructor(
    private readonly log: PartitionLog,
    /** producer.id.expiration.ms, applied after every rebuild so a rebuild never revives expired producers. */
    private readonly expirationMs: number | null = null,
  ) {
    this.rebuild(true);
    log.setListener(this);
  }

  private get snapshotPath(): string {
    return path.join(this.log.dir, PRODUCER_SNAPSHOT_FILE);
  }

  /** Loads the snapshot when usable (`useSnapshot`), then replays the log after it. */
  private rebuild(useSnapshot: boolean): void {
    this.table.clear();
    let from = this.log.logStartOffset;
    const snap = useSnapshot ? this.readSnapshot() : null;
    if (snap && snap.offset <= this.log.logEndOffset && snap.offset >= this.log.logStartOffset) {
      this.table.load(snap.state);
      from = snap.offset;
    } else {
      fs.rmSync(this.snapshotPath, { force: true });
    }
    const markers: BatchHeader[] = [];
    const headers: BatchHeader[] = [];
    this.log.scanBatchHeaders(from, (h) => {
      if (h.baseOffset >= from && h.producerId >= 0) {
        headers.push(h);
        if (h.isControl) markers.push(h);
      }
      return true;
    });
    const outcomes = new Map<number, ControlMarker | null>();
    for (const m of markers) outcomes.set(m.baseOffset, this.readMarker(m));
    for (const h of headers) this.table.apply(h, h.isControl ? outcomes.get(h.baseOffset) ?? null : null);
    this.table.pruneBelow(this.log.logStartOffset);
    if (this.expirationMs !== null) this.table.removeExpired(Date.now(), this.expirationMs);
  }

  private readMarker(h: BatchHeader): ControlMarker | null {
    const read = this.log.read(h.baseOffset, h.size, h.lastOffset + 1, true);
    const buf = read.chunks.length === 1 ? read.chunks[0]! : Buffer.concat(read.chunks);
    return buf.length >= h.size ? parseControlMarker(buf, 0) : null;
  }

  private readSnapshot(): { offset: number; state: Parameters<ProducerStateTable['load']>[0] } | null {
    try {
      const data = JSON.parse(fs.readFileSync(this.snapshotPath, 'utf8'));
      if (data?.version !== SNAPSHOT_VERSION || !Number.isSafeInteger(data.offset)) return null;
      return { offset: data.offset, state: data.state };
    } catch {
      return null;
    }
  }

  writeSnapshot(): void {
    const tmp = `${this.snapshotPath}.tmp`;
    const text = JSON.stringify({ version: SNAPSHOT_VERSION, offset: this.log.logEndOffset, state: this.table.toJSON() });
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.snapshotPath);
  }

  appended(records: Buffer, batches: readonly BatchHeader[]): void {
    let pos = 0;
    for (const h of batches) {
      if (h.producerId >= 0) this.table.apply(h, h.isControl ? parseControlMarker(records, pos) : null);
      pos += h.size;
    }
  }

  truncated(): void {
    // Rare (follower divergence, DeleteRecords): a full replay is simplest and exact, and a
    // snapshot past the new end is dropped by rebuild().
    this.rebuild(true);
  }

  rolled(): void {
    this.table.pruneBelow(this.log.logStartOffset);
    this.writeSnapshot();
  }

  closing(): void {
    try {
      this.writeSnapshot();
    } catch {
      // The log is still consistent; the next open replays the headers instead.
    }
  }
}

const states = new WeakMap<PartitionLog, LogProducerState>();

/**
 * The producer state of a replica log, created (and rebuilt from disk) on first use. The log's
 * opener passes producer.id.expiration.ms so producers that expired before a restart stay gone.
 */
export function producerStateOf(log: PartitionLog, expirationMs: number | null = null): ProducerStateTable {
  let s = states.get(log);
  if (!s) states.set(log, (s = new LogProducerState(log, expirationMs)));
  return s.table;
}
