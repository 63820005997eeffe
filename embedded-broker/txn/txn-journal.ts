// The transaction coordinator's durable log (Kafka keeps it in __transaction_state): a
// RecordJournal (log/record-journal.ts) in <dataDir>/transactions/ (txn-journal +
// txn-snapshot) whose records are JSON of one transactional id's whole metadata, or a
// tombstone when an idle id expired (transactional.id.expiration.ms). The last record for an
// id wins. Every state change is appended and fsync'd synchronously before the coordinator
// acts on it or answers, so a restart finds every transaction in the state a client was told
// about (a Prepare* state is then completed, an Ongoing one times out as before). Rare
// writes of tree-shaped data: JSON keeps it readable and needs no schema of its own.
import path from 'node:path';
import { RecordJournal } from '../log/record-journal.js';
import { jsonCodec } from '../log/record-codec.js';
import type { TxnMetadata } from './txn-metadata.js';

/** Written when a transactional id expires: replay forgets the id. */
interface TxnTombstone {
  transactionalId: string;
  expired: true;
}

type TxnRecord = TxnMetadata | TxnTombstone;

function isTombstone(r: TxnRecord): r is TxnTombstone {
  return (r as TxnTombstone).expired === true;
}

export class TxnJournal {
  private readonly journal: RecordJournal<TxnRecord>;
  private state = new Map<string, TxnMetadata>();

  constructor(dataDir: string, log: (level: 'info' | 'warn' | 'error', message: string) => void = () => {}) {
    this.journal = new RecordJournal<TxnRecord>({
      dir: path.join(dataDir, 'transactions'),
      // The journal keeps the file name of the earlier single-file layout, so old data loads.
      journalFile: 'txn-journal',
      snapshotFile: 'txn-snapshot',
      label: 'transactions',
      codec: jsonCodec<TxnRecord>(),
      snapshotState: () => this.state.values(),
      log,
    });
  }

  /**
   * Every transaction's latest metadata, then the files are compacted to exactly that. The
   * returned map is the live state the coordinator owns and the journal snapshots from.
   */
  load(): Map<string, TxnMetadata> {
    const state = new Map<string, TxnMetadata>();
    for (const r of this.journal.load()) {
      if (isTombstone(r)) state.delete(r.transactionalId);
      else state.set(r.transactionalId, r);
    }
    this.state = state;
    this.journal.compact();
    return state;
  }

  /** Appends and fsyncs one transaction's new metadata; throws if the disk refuses. */
  write(meta: TxnMetadata): void {
    this.journal.appendSync([meta]);
  }

  /** Records that an idle transactional id was forgotten. */
  writeExpired(transactionalId: string): void {
    this.journal.appendSync([{ transactionalId, expired: true }]);
  }

  close(): void {
    this.journal.close();
  }
}
