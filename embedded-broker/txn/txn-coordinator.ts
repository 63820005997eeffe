// The transaction coordinator (Kafka's TransactionCoordinator), one per cluster. Which broker
// answers for a transactional id is the group engineer's placement (coordinator-placement.ts,
// also what FindCoordinator key type 1 returns); the state lives here, journaled (txn-journal)
// before every answer. Two phases: EndTxn (or a timeout, or a fencing InitProducerId) records
// Prepare{Commit,Abort}, then markers go to every partition (txn-markers) and, once they are
// replicated, Complete{Commit,Abort} — offsets committed in the transaction reach the group's
// offset store only at that point. After a restart, Prepare* transactions are completed and
// Ongoing ones keep their start time, so they still time out.
import type { Cluster } from '../cluster/cluster.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { coordinatorNodeFor } from '../group/coordinator-placement.js';
import { ProducerIdAllocator } from './producer-id-allocator.js';
import { TxnJournal } from './txn-journal.js';
import { writeMarkers } from './txn-markers.js';
import { startExpiryChecks } from './expiration.js';
import { hasPartition, isPrepare, type TxnMetadata, type TxnOffset, type TxnPartition } from './txn-metadata.js';

/** How often Ongoing transactions are checked against their timeout (Kafka: 10 s; the sandbox is snappier). */
const TIMEOUT_CHECK_MS = 200;
/** How long a request waits for a previous transaction's markers before answering CONCURRENT_TRANSACTIONS. */
const COMPLETION_WAIT_MS = 5000;
const MAX_EPOCH = 32767;

export interface ProducerIdResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export class TransactionCoordinator {
  readonly txns: Map<string, TxnMetadata>;
  readonly ids: ProducerIdAllocator;
  private readonly journal: TxnJournal;
  private readonly completions = new Map<string, Promise<void>>();
  /** producer id → transactional id, for the check every transactional produce makes. */
  private readonly byPid = new Map<number, string>();
  private timer: NodeJS.Timeout | null = null;
  private stopExpiryChecks: (() => void) | null = null;
  private closed = false;
  /** Carried in markers; the sandbox has a single coordinator that is never fenced. */
  readonly coordinatorEpoch = 0;

  constructor(readonly cluster: Cluster) {
    this.ids = new ProducerIdAllocator(cluster.options.dataDir);
    this.journal = new TxnJournal(cluster.options.dataDir, (level, message) => cluster.log(level, message));
    this.txns = this.journal.load();
    for (const meta of this.txns.values()) this.byPid.set(meta.producerId, meta.transactionalId);
  }

  /** Called once the brokers listen: resumes unfinished second phases and starts the timeout check. */
  start(): void {
    for (const meta of this.txns.values()) {
      if (meta.state === 'PrepareCommit' || meta.state === 'PrepareAbort') this.completeLater(meta, meta.state === 'PrepareCommit');
    }
    this.timer = setInterval(() => this.abortTimedOut(Date.now()), TIMEOUT_CHECK_MS);
    this.timer.unref();
    this.stopExpiryChecks = startExpiryChecks(this.cluster, (now) => this.expireTransactionalIds(now));
  }

  /**
   * Kafka's transactional.id.expiration.ms: an id whose last transaction ended (or that never
   * began one) that long ago, with nothing completing, is forgotten; a tombstone in the
   * journal keeps it forgotten. Its next InitProducerId starts afresh with a new producer id.
   */
  expireTransactionalIds(now: number): number {
    const maxIdleMs = Number(this.cluster.brokerConfig('transactional.id.expiration.ms'));
    let removed = 0;
    for (const meta of [...this.txns.values()]) {
      const idle = meta.state === 'Empty' || meta.state === 'CompleteCommit' || meta.state === 'CompleteAbort';
      if (!idle || this.completions.has(meta.transactionalId) || now - meta.lastUpdate < maxIdleMs) continue;
      this.journal.writeExpired(meta.transactionalId);
      this.txns.delete(meta.transactionalId);
      if (this.byPid.get(meta.producerId) === meta.transactionalId) this.byPid.delete(meta.producerId);
      removed++;
    }
    if (removed > 0) this.cluster.log('info', `expired ${removed} idle transactional ids`);
    return removed;
  }

  isCoordinator(transactionalId: string, nodeId: number): boolean {
    return coordinatorNodeFor(this.cluster, transactionalId) === nodeId;
  }

  private save(meta: TxnMetadata): void {
    meta.lastUpdate = Date.now();
    this.journal.write(meta);
    this.txns.set(meta.transactionalId, meta);
    this.byPid.set(meta.producerId, meta.transactionalId);
  }

  /** The transaction a producer id belongs to (transactional produce checks). */
  byProducerId(producerId: number): TxnMetadata | undefined {
    const id = this.byPid.get(producerId);
    const meta = id === undefined ? undefined : this.txns.get(id);
    return meta?.producerId === producerId ? meta : undefined;
  }

  /** Transaction timeout bounds: positive and at most transaction.max.timeout.ms. */
  validTimeout(timeoutMs: number): boolean {
    return timeoutMs > 0 && timeoutMs <= Number(this.cluster.brokerConfig('transaction.max.timeout.ms'));
  }

  async initProducerId(transactionalId: string | null, timeoutMs: number, expectedPid: number, expectedEpoch: number): Promise<ProducerIdResult> {
    const fail = (errorCode: number): ProducerIdResult => ({ errorCode, producerId: -1, producerEpoch: -1 });
    // Idempotent producers: always a fresh id (Kafka ignores a KIP-360 pid/epoch here too).
    if (transactionalId === null || transactionalId === '') return { errorCode: ErrorCode.NONE, producerId: this.ids.allocate(), producerEpoch: 0 };
    if (!this.validTimeout(timeoutMs)) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    let meta = this.txns.get(transactionalId);
    if (!meta) {
      meta = {
        transactionalId, producerId: this.ids.allocate(), lastProducerId: -1, producerEpoch: 0, lastProducerEpoch: -1, timeoutMs,
        state: 'Empty', partitions: [], groups: [], offsets: [], startTime: -1, lastUpdate: Date.now(),
      };
      this.save(meta);
      return { errorCode: ErrorCode.NONE, producerId: meta.producerId, producerEpoch: 0 };
    }
    if (expectedPid >= 0 && expectedPid !== meta.producerId && !(expectedPid === meta.lastProducerId && expectedEpoch === meta.lastProducerEpoch)) {
      return fail(ErrorCode.PRODUCER_FENCED);
    }
    if (meta.state === 'Ongoing') {
      // A new instance (or a recovering one) takes over: fence the old epoch and abort first.
      this.fenceAndAbort(meta);
    }
    if (!(await this.awaitCompletion(transactionalId))) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    meta = this.txns.get(transactionalId)!;
    if (expectedPid >= 0) {
      // KIP-360: the caller states the id and epoch it has. A retry of a bump it never heard
      // back about gets the current values; a stale epoch is fenced.
      if (expectedPid === meta.lastProducerId || (expectedPid === meta.producerId && expectedEpoch === meta.lastProducerEpoch && expectedEpoch !== meta.producerEpoch)) {
        return { errorCode: ErrorCode.NONE, producerId: meta.producerId, producerEpoch: meta.producerEpoch };
      }
      if (expectedEpoch !== meta.producerEpoch) return fail(ErrorCode.PRODUCER_FENCED);
    }
    if (meta.producerEpoch >= MAX_EPOCH - 1) {
      meta.lastProducerId = meta.producerId;
      meta.lastProducerEpoch = meta.producerEpoch;
      meta.producerId = this.ids.allocate();
      meta.producerEpoch = 0;
    } else {
      meta.lastProducerEpoch = meta.producerEpoch;
      meta.producerEpoch += 1;
    }
    meta.timeoutMs = timeoutMs;
    meta.state = 'Empty';
    meta.partitions = [];
    meta.groups = [];
    meta.offsets = [];
    meta.startTime = -1;
    this.save(meta);
    return { errorCode: ErrorCode.NONE, producerId: meta.producerId, producerEpoch: meta.producerEpoch };
  }

  /** Common checks of the requests a transactional producer sends during a transaction. */
  private checkProducer(transactionalId: string, producerId: number, producerEpoch: number): { meta?: TxnMetadata; errorCode: number } {
    const meta = this.txns.get(transactionalId);
    if (!meta || meta.producerId !== producerId) return { errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
    if (meta.producerEpoch !== producerEpoch) return { errorCode: ErrorCode.PRODUCER_FENCED };
    return { meta, errorCode: ErrorCode.NONE };
  }

  /** A transaction whose previous one is still completing waits for it (briefly) first. */
  private async readyForNext(transactionalId: string, producerId: number, producerEpoch: number): Promise<{ meta?: TxnMetadata; errorCode: number }> {
    const first = this.checkProducer(transactionalId, producerId, producerEpoch);
    if (first.errorCode !== ErrorCode.NONE || !isPrepare(first.meta!.state)) return first;
    if (!(await this.awaitCompletion(transactionalId))) return { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS };
    return this.checkProducer(transactionalId, producerId, producerEpoch);
  }

  private begin(meta: TxnMetadata): void {
    if (meta.state !== 'Ongoing') {
      meta.state = 'Ongoing';
      meta.startTime = Date.now();
      meta.partitions = [];
      meta.groups = [];
      meta.offsets = [];
    }
  }

  /** AddPartitionsToTxn: an error per partition (or one for all, in `errorCode`). */
  async addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: TxnPartition[], verifyOnly: boolean): Promise<{ errorCode: number; perPartition: number[] }> {
    const all = (code: number) => ({ errorCode: code, perPartition: partitions.map(() => code) });
    if (verifyOnly) {
      const c = this.checkProducer(transactionalId, producerId, producerEpoch);
      if (c.errorCode !== ErrorCode.NONE) return all(c.errorCode);
      const ongoing = c.meta!.state === 'Ongoing';
      return { errorCode: ErrorCode.NONE, perPartition: partitions.map((p) => (ongoing && hasPartition(c.meta!, p.topic, p.partition) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE)) };
    }
    const c = await this.readyForNext(transactionalId, producerId, producerEpoch);
    if (c.errorCode !== ErrorCode.NONE) return all(c.errorCode);
    const unknown = partitions.map((p) => {
      const topic = this.cluster.topics.get(p.topic);
      return !topic || p.partition < 0 || p.partition >= topic.partitions.length;
    });
    if (unknown.some(Boolean)) {
      return { errorCode: ErrorCode.NONE, perPartition: unknown.map((u) => (u ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED)) };
    }
    const meta = c.meta!;
    this.begin(meta);
    for (const p of partitions) if (!hasPartition(meta, p.topic, p.partition)) meta.partitions.push({ topic: p.topic, partition: p.partition });
    this.save(meta);
    return { errorCode: ErrorCode.NONE, perPartition: partitions.map(() => ErrorCode.NONE) };
  }

  /** AddOffsetsToTxn: the group's offsets become part of the transaction. */
  async addOffsets(transactionalId: string, producerId: number, producerEpoch: number, groupId: string): Promise<number> {
    const c = await this.readyForNext(transactionalId, producerId, producerEpoch);
    if (c.errorCode !== ErrorCode.NONE) return c.errorCode;
    const meta = c.meta!;
    this.begin(meta);
    if (!meta.groups.includes(groupId)) meta.groups.push(groupId);
    this.save(meta);
    return ErrorCode.NONE;
  }

  /** TxnOffsetCommit (on the group's coordinator): offsets held with the transaction until it commits. */
  txnOffsetCommit(transactionalId: string, producerId: number, producerEpoch: number, offsets: TxnOffset[]): number {
    const c = this.checkProducer(transactionalId, producerId, producerEpoch);
    if (c.errorCode === ErrorCode.PRODUCER_FENCED) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (c.errorCode !== ErrorCode.NONE) return c.errorCode;
    const meta = c.meta!;
    if (meta.state !== 'Ongoing' || offsets.some((o) => !meta.groups.includes(o.group))) return ErrorCode.INVALID_TXN_STATE;
    for (const o of offsets) {
      meta.offsets = meta.offsets.filter((x) => !(x.group === o.group && x.topic === o.topic && x.partition === o.partition));
      meta.offsets.push(o);
    }
    this.save(meta);
    return ErrorCode.NONE;
  }

  /** Whether a group has offsets waiting in an open transaction (OffsetFetch requireStable). */
  hasPendingOffsets(groupId: string, topic: string, partition: number): boolean {
    for (const meta of this.txns.values()) {
      if (meta.state !== 'CompleteCommit' && meta.state !== 'CompleteAbort' && meta.offsets.some((o) => o.group === groupId && o.topic === topic && o.partition === partition)) return true;
    }
    return false;
  }

  async endTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<number> {
    const c = this.checkProducer(transactionalId, producerId, producerEpoch);
    if (c.errorCode !== ErrorCode.NONE) return c.errorCode;
    const meta = c.meta!;
    switch (meta.state) {
      case 'Ongoing':
        meta.state = commit ? 'PrepareCommit' : 'PrepareAbort';
        this.save(meta);
        this.completeLater(meta, commit);
        // Kafka answers once Prepare* is durable; waiting for the markers as well saves the
        // client a round of CONCURRENT_TRANSACTIONS retries on its next transaction.
        await this.awaitCompletion(transactionalId);
        return ErrorCode.NONE;
      case 'PrepareCommit':
      case 'PrepareAbort':
        return (meta.state === 'PrepareCommit') === commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
      case 'CompleteCommit':
      case 'CompleteAbort':
        // A retried EndTxn whose answer was lost.
        return (meta.state === 'CompleteCommit') === commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      default:
        return ErrorCode.INVALID_TXN_STATE;
    }
  }

  /** Bumps the epoch so the current producer is fenced everywhere, then aborts its transaction. */
  private fenceAndAbort(meta: TxnMetadata): void {
    if (meta.producerEpoch >= MAX_EPOCH - 1) {
      // Nothing newer fits; abort at the current epoch, the next InitProducerId takes a new id.
    } else {
      meta.producerEpoch += 1;
    }
    meta.lastProducerEpoch = -1;
    meta.state = 'PrepareAbort';
    this.save(meta);
    this.completeLater(meta, false);
  }

  abortTimedOut(now: number): void {
    if (this.closed) return;
    for (const meta of this.txns.values()) {
      if (meta.state === 'Ongoing' && meta.startTime >= 0 && now - meta.startTime > meta.timeoutMs) {
        this.cluster.log('info', `transaction ${meta.transactionalId} timed out after ${meta.timeoutMs} ms; aborting`);
        try {
          this.fenceAndAbort(meta);
        } catch (err) {
          this.cluster.log('error', `aborting ${meta.transactionalId} failed: ${(err as Error).message}`);
        }
      }
    }
  }

  /** Second phase: markers, then group offsets (commit only), then Complete*. */
  private completeLater(meta: TxnMetadata, commit: boolean): void {
    const id = meta.transactionalId;
    const job = { producerId: meta.producerId, producerEpoch: meta.producerEpoch, commit, coordinatorEpoch: this.coordinatorEpoch, partitions: [...meta.partitions] };
    const done = writeMarkers(this.cluster, job, () => this.closed).then(async () => {
      if (this.closed) return;
      const current = this.txns.get(id)!;
      if (commit) await this.applyOffsets(current.offsets);
      if (this.closed) return;
      current.state = commit ? 'CompleteCommit' : 'CompleteAbort';
      current.partitions = [];
      current.groups = [];
      current.offsets = [];
      current.startTime = -1;
      this.save(current);
    }).catch((err) => this.cluster.log('error', `completing transaction ${id} failed: ${(err as Error).message}`))
      .finally(() => {
        if (this.completions.get(id) === done) this.completions.delete(id);
      });
    this.completions.set(id, done);
  }

  private async applyOffsets(offsets: TxnOffset[]): Promise<void> {
    const byGroup = new Map<string, TxnOffset[]>();
    for (const o of offsets) byGroup.set(o.group, [...(byGroup.get(o.group) ?? []), o]);
    const now = Date.now();
    for (const [group, list] of byGroup) {
      this.cluster.groups.getOrCreate(group);
      await this.cluster.groups.store.commit(group, list.map((o) => ({
        topic: o.topic,
        partition: o.partition,
        value: { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata ?? '', commitTimestamp: now, expireTimestamp: null },
      })));
    }
  }

  /** True once no second phase is running for the id (waits up to COMPLETION_WAIT_MS). */
  private async awaitCompletion(transactionalId: string): Promise<boolean> {
    const pending = this.completions.get(transactionalId);
    if (!pending) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), COMPLETION_WAIT_MS)));
    const ok = await Promise.race([pending.then(() => true), timeout]);
    clearTimeout(timer);
    return ok && !this.completions.has(transactionalId);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.stopExpiryChecks?.();
    this.journal.close();
  }
}
