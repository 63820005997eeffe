// The transaction coordinator's durable log (Kafka keeps it in __transaction_state): one
// append-only file <dataDir>/transactions/txn-journal of framed records
//   [u32 payload length][u32 crc32c(payload)][payload: JSON of the whole transaction's metadata]
// The last record for a transactional id wins. Every state change is appended and fsync'd
// synchronously before the coordinator acts on it or answers, so a restart finds every
// transaction in the state a client was told about (a Prepare* state is then completed, an
// Ongoing one times out as before). A torn tail (crash mid-write) is cut off on load; on each
// start the file is rewritten as a compact snapshot of the live state.
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import type { TxnMetadata } from './txn-metadata.js';

const HEADER = 8;

function frame(meta: TxnMetadata): Buffer {
  const payload = Buffer.from(JSON.stringify(meta), 'utf8');
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32c(payload) >>> 0, 4);
  payload.copy(out, HEADER);
  return out;
}

export class TxnJournal {
  private readonly file: string;
  private fd: number | null = null;

  constructor(dataDir: string) {
    const dir = path.join(dataDir, 'transactions');
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, 'txn-journal');
  }

  /** Every transaction's latest metadata, then the file is compacted to exactly that. */
  load(): Map<string, TxnMetadata> {
    const state = new Map<string, TxnMetadata>();
    let buf: Buffer;
    try {
      buf = fs.readFileSync(this.file);
    } catch {
      buf = Buffer.alloc(0);
    }
    let pos = 0;
    while (pos + HEADER <= buf.length) {
      const len = buf.readUInt32BE(pos);
      if (pos + HEADER + len > buf.length) break;
      const payload = buf.subarray(pos + HEADER, pos + HEADER + len);
      if ((crc32c(payload) >>> 0) !== buf.readUInt32BE(pos + 4)) break;
      try {
        const meta = JSON.parse(payload.toString('utf8')) as TxnMetadata;
        state.set(meta.transactionalId, meta);
      } catch {
        break;
      }
      pos += HEADER + len;
    }
    this.compact(state.values());
    return state;
  }

  private compact(metas: Iterable<TxnMetadata>): void {
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      for (const m of metas) fs.writeSync(fd, frame(m));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }

  /** Appends and fsyncs one transaction's new metadata; throws if the disk refuses. */
  write(meta: TxnMetadata): void {
    if (this.fd === null) this.fd = fs.openSync(this.file, 'a');
    fs.writeSync(this.fd, frame(meta));
    fs.fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
