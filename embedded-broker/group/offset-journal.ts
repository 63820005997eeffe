// Durable storage for committed offsets: a RecordJournal (log/record-journal.ts) in
// <dataDir>/group-offsets/ (journal.log + snapshot.log). Commits are the hot path, so records
// are a compact binary payload rather than JSON:
//   u8 kind, then per kind
//   1 commit:      group str, topic str, partition i32, offset f64, leader epoch i32,
//                  metadata str|null, commit time f64, expire time f64 (-1 = none)
//   2 delete:      group str, topic str, partition i32
//   3 drop group:  group str
//   4 group info:  group str, protocol type str|null, generation i32, state time f64
// Payloads starting with '{' are the earlier JSON records, still read so old data dirs load.
import path from 'node:path';
import { RecordJournal, type RecordCodec, type RecordReader, type RecordWriter } from '../log/record-journal.js';

export type JournalRecord =
  | { k: 'c'; g: string; t: string; p: number; o: number; e: number; m: string | null; ct: number; xt: number | null }
  | { k: 'd'; g: string; t: string; p: number }
  | { k: 'x'; g: string }
  | { k: 'g'; g: string; pt: string | null; gen: number; ts: number };

const COMMIT = 1;
const DELETE = 2;
const DROP_GROUP = 3;
const GROUP_INFO = 4;
const JSON_OPEN_BRACE = 0x7b;

export const offsetRecordCodec: RecordCodec<JournalRecord> = {
  encode(r: JournalRecord, w: RecordWriter): void {
    switch (r.k) {
      case 'c':
        w.u8(COMMIT);
        w.str(r.g);
        w.str(r.t);
        w.i32(r.p);
        w.f64(r.o);
        w.i32(r.e);
        w.str(r.m);
        w.f64(r.ct);
        w.f64(r.xt ?? -1);
        break;
      case 'd':
        w.u8(DELETE);
        w.str(r.g);
        w.str(r.t);
        w.i32(r.p);
        break;
      case 'x':
        w.u8(DROP_GROUP);
        w.str(r.g);
        break;
      case 'g':
        w.u8(GROUP_INFO);
        w.str(r.g);
        w.str(r.pt);
        w.i32(r.gen);
        w.f64(r.ts);
        break;
    }
  },
  decode(p: RecordReader): JournalRecord {
    if (p.payload[0] === JSON_OPEN_BRACE) return JSON.parse(p.payload.toString('utf8')) as JournalRecord;
    const kind = p.u8();
    switch (kind) {
      case COMMIT: {
        const g = p.text();
        const t = p.text();
        const part = p.i32();
        const o = p.f64();
        const e = p.i32();
        const m = p.str();
        const ct = p.f64();
        const xt = p.f64();
        return { k: 'c', g, t, p: part, o, e, m, ct, xt: xt < 0 ? null : xt };
      }
      case DELETE:
        return { k: 'd', g: p.text(), t: p.text(), p: p.i32() };
      case DROP_GROUP:
        return { k: 'x', g: p.text() };
      case GROUP_INFO:
        return { k: 'g', g: p.text(), pt: p.str(), gen: p.i32(), ts: p.f64() };
      default:
        throw new RangeError(`unknown offset journal record kind ${kind}`);
    }
  },
};

export function openOffsetJournal(
  dataDir: string,
  snapshotState: () => Iterable<JournalRecord>,
  log: (level: 'info' | 'warn' | 'error', message: string) => void,
): RecordJournal<JournalRecord> {
  return new RecordJournal<JournalRecord>({
    dir: path.join(dataDir, 'group-offsets'),
    journalFile: 'journal.log',
    snapshotFile: 'snapshot.log',
    label: 'group offsets',
    codec: offsetRecordCodec,
    snapshotState,
    log,
  });
}
