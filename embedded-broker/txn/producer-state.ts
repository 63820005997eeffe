// Producer state of one partition replica, derived only from the batches in its log (so a
// follower, which appends the leader's bytes unchanged, ends up with the same state, and a
// new leader de-duplicates retries exactly as the old one would). Per producer id: the epoch,
// the last five batches' sequence ranges with their offsets (Kafka's
// NUM_BATCHES_TO_RETAIN, the most a client keeps in flight), and the first offset of its open
// transaction. Per partition: the aborted-transaction index for read_committed fetches, and
// transactions whose marker is written but not yet below the high watermark (they still
// hold back the last stable offset, as Kafka's unreplicated transactions do).
import type { BatchHeader } from '../protocol/record-batch.js';

export const BATCHES_TO_RETAIN = 5;
const INT32_MAX = 0x7fffffff;

export interface BatchMeta {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  timestamp: number;
}

export interface ProducerEntry {
  producerId: number;
  epoch: number;
  /** Oldest first, at most BATCHES_TO_RETAIN. */
  batches: BatchMeta[];
  /** First offset of the producer's open transaction in this partition, -1 when none. */
  currentTxnFirstOffset: number;
  coordinatorEpoch: number;
  lastTimestamp: number;
}

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  /** Offset of the abort marker. */
  lastOffset: number;
}

/** A transaction whose marker is in the log but maybe not yet replicated. */
export interface CompletedTxn {
  firstOffset: number;
  markerOffset: number;
}

export type SequenceCheck =
  | { kind: 'ok' }
  | { kind: 'duplicate'; firstOffset: number; lastOffset: number }
  | { kind: 'error'; error: 'INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER'; message: string };

/** Sequence numbers wrap from INT32_MAX to 0. */
export function nextSequence(seq: number, delta: number): number {
  return seq > INT32_MAX - delta ? delta - (INT32_MAX - seq) - 1 : seq + delta;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

export interface ControlMarker {
  commit: boolean;
  coordinatorEpoch: number;
}

export class ProducerStateTable {
  readonly producers = new Map<number, ProducerEntry>();
  aborted: AbortedTxn[] = [];
  completed: CompletedTxn[] = [];

  /**
   * Kafka's checks for one client batch against the producer's state (ProducerAppendInfo in
   * Kafka 3.x): a stale epoch is fenced; a duplicate of a retained batch is answered with its
   * original offsets; a new epoch must start at sequence 0; otherwise the sequence must follow
   * the last one. An unknown producer (no state, e.g. its batches were removed by retention)
   * may start at any sequence — Kafka 2.5+ (KIP-360) accepts it rather than answering
   * UNKNOWN_PRODUCER_ID, which is what lets a producer survive the loss of its state.
   */
  check(h: BatchHeader, lastSeqInRequest: number | null): SequenceCheck {
    const entry = this.producers.get(h.producerId);
    if (!entry || h.baseSequence < 0) return { kind: 'ok' };
    if (h.producerEpoch < entry.epoch) {
      return { kind: 'error', error: 'INVALID_PRODUCER_EPOCH', message: `Producer ${h.producerId} has epoch ${h.producerEpoch}, older than the current ${entry.epoch}.` };
    }
    const lastSeq = nextSequence(h.baseSequence, h.lastOffsetDelta);
    if (h.producerEpoch === entry.epoch && lastSeqInRequest === null) {
      const dup = entry.batches.find((b) => b.firstSeq === h.baseSequence && b.lastSeq === lastSeq);
      if (dup) return { kind: 'duplicate', firstOffset: dup.firstOffset, lastOffset: dup.lastOffset };
    }
    if (h.producerEpoch !== entry.epoch) {
      if (h.baseSequence !== 0) {
        return { kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER', message: `Producer ${h.producerId} starts epoch ${h.producerEpoch} at sequence ${h.baseSequence}; a new epoch starts at 0.` };
      }
      return { kind: 'ok' };
    }
    const current = lastSeqInRequest ?? (entry.batches.length > 0 ? entry.batches[entry.batches.length - 1]!.lastSeq : -1);
    if (!inSequence(current, h.baseSequence)) {
      return { kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER', message: `Producer ${h.producerId} epoch ${h.producerEpoch}: expected sequence ${nextSequence(current, 1)}, got ${h.baseSequence}.` };
    }
    return { kind: 'ok' };
  }

  /** Applies one appended batch (offsets assigned). `marker` is set for control batches. */
  apply(h: BatchHeader, marker: ControlMarker | null): void {
    if (h.producerId < 0) return;
    let entry = this.producers.get(h.producerId);
    if (!entry) {
      entry = { producerId: h.producerId, epoch: h.producerEpoch, batches: [], currentTxnFirstOffset: -1, coordinatorEpoch: -1, lastTimestamp: h.maxTimestamp };
      this.producers.set(h.producerId, entry);
    }
    if (h.producerEpoch > entry.epoch) {
      // A new epoch (client re-init, or the coordinator fencing with a bumped-epoch marker)
      // forgets the old sequences: the next batch must start at 0.
      entry.epoch = h.producerEpoch;
      entry.batches = [];
    }
    entry.lastTimestamp = Math.max(entry.lastTimestamp, h.maxTimestamp);
    if (marker) {
      entry.coordinatorEpoch = marker.coordinatorEpoch;
      if (entry.currentTxnFirstOffset >= 0) {
        if (!marker.commit) this.aborted.push({ producerId: h.producerId, firstOffset: entry.currentTxnFirstOffset, lastOffset: h.baseOffset });
        this.completed.push({ firstOffset: entry.currentTxnFirstOffset, markerOffset: h.baseOffset });
        entry.currentTxnFirstOffset = -1;
      }
      return;
    }
    if (h.baseSequence >= 0) {
      entry.batches.push({ firstSeq: h.baseSequence, lastSeq: nextSequence(h.baseSequence, h.lastOffsetDelta), firstOffset: h.baseOffset, lastOffset: h.lastOffset, timestamp: h.maxTimestamp });
      if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift();
    }
    if (h.isTransactional && entry.currentTxnFirstOffset < 0) entry.currentTxnFirstOffset = h.baseOffset;
  }

  /** The producer's open transaction here, if any (produce checks, DescribeProducers). */
  openTxnOf(producerId: number): number {
    return this.producers.get(producerId)?.currentTxnFirstOffset ?? -1;
  }

  /**
   * First offset a read_committed consumer must not pass: the earliest open transaction, or
   * a completed one whose marker the ISR does not hold yet. Returns `highWatermark` if none.
   */
  lastStableOffset(highWatermark: number): number {
    // Markers below the high watermark are replicated: those transactions are settled.
    if (this.completed.length > 0) this.completed = this.completed.filter((c) => c.markerOffset >= highWatermark);
    let lso = highWatermark;
    for (const c of this.completed) lso = Math.min(lso, c.firstOffset);
    for (const e of this.producers.values()) if (e.currentTxnFirstOffset >= 0) lso = Math.min(lso, e.currentTxnFirstOffset);
    return lso;
  }

  /** Aborted transactions overlapping [fromOffset, upperOffset), for a read_committed fetch. */
  abortedBetween(fromOffset: number, upperOffset: number): { producerId: number; firstOffset: number }[] {
    const out: { producerId: number; firstOffset: number }[] = [];
    for (const a of this.aborted) {
      if (a.lastOffset >= fromOffset && a.firstOffset < upperOffset) out.push({ producerId: a.producerId, firstOffset: a.firstOffset });
    }
    return out;
  }

  /**
   * Kafka's producer.id.expiration.ms: a producer with no batch for that long (by its batches'
   * timestamps, so the log alone decides and a rebuilt table expires the same producers) and
   * no open transaction here is forgotten; a later batch of it is then taken as a new
   * producer. Returns how many were removed.
   */
  removeExpired(now: number, expirationMs: number): number {
    let removed = 0;
    for (const [id, e] of this.producers) {
      if (e.currentTxnFirstOffset < 0 && now - e.lastTimestamp >= expirationMs) {
        this.producers.delete(id);
        removed++;
      }
    }
    return removed;
  }

  /** Forgets index entries wholly below the log start (retention, DeleteRecords). */
  pruneBelow(logStartOffset: number): void {
    if (this.aborted.length > 0 && this.aborted[0]!.lastOffset < logStartOffset) this.aborted = this.aborted.filter((a) => a.lastOffset >= logStartOffset);
  }

  clear(): void {
    this.producers.clear();
    this.aborted = [];
    this.completed = [];
  }

  toJSON(): { producers: ProducerEntry[]; aborted: AbortedTxn[]; completed: CompletedTxn[] } {
    return { producers: [...this.producers.values()], aborted: this.aborted, completed: this.completed };
  }

  load(data: { producers: ProducerEntry[]; aborted: AbortedTxn[]; completed: CompletedTxn[] }): void {
    this.clear();
    for (const p of data.producers) this.producers.set(p.producerId, p);
    this.aborted = data.aborted;
    this.completed = data.completed;
  }
}
