// AddPartitionsToTxn (key 24), v0-5. v0-3: one transaction from its producer. v4+ (KIP-890)
// batches several transactions, with a top-level error and verifyOnly (the broker-to-broker
// check whether partitions are already in the transaction; INVALID_TXN_STATE when not). Must
// reach the transaction's coordinator (NOT_COORDINATOR otherwise). An unknown partition fails
// with UNKNOWN_TOPIC_OR_PARTITION and the rest of the request with OPERATION_NOT_ATTEMPTED, as
// Kafka answers. PRODUCER_FENCED becomes INVALID_PRODUCER_EPOCH below v2 (pre-KIP-588 clients).
import { defineApi, type RequestContext } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { failIfInjected, errorCodeOf } from './partition-access.js';
import type { TxnPartition } from '../txn/txn-metadata.js';
import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnRequestAddPartitionsToTxnTopic,
  AddPartitionsToTxnResponse,
  AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult,
  Encodable,
} from '../protocol/generated/message-types.js';

type TopicResult = Encodable<AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult>;

async function addOne(ctx: RequestContext, txnId: string, producerId: number, epoch: number, topics: AddPartitionsToTxnRequestAddPartitionsToTxnTopic[], verifyOnly: boolean): Promise<TopicResult[]> {
  const partitions: TxnPartition[] = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
  let codes: number[];
  try {
    failIfInjected(ctx);
    if (!ctx.cluster.txns.isCoordinator(txnId, ctx.node.nodeId)) codes = partitions.map(() => ErrorCode.NOT_COORDINATOR);
    else codes = (await ctx.cluster.txns.addPartitions(txnId, producerId, epoch, partitions, verifyOnly)).perPartition;
  } catch (err) {
    const code = errorCodeOf(ctx, err).code;
    codes = partitions.map(() => code);
  }
  if (ctx.version < 2) codes = codes.map((c) => (c === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : c));
  let i = 0;
  return topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: codes[i++]! })) }));
}

export const addPartitionsToTxnApi = defineApi<AddPartitionsToTxnRequest, Encodable<AddPartitionsToTxnResponse>>({
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, req) {
    if (ctx.version <= 3) {
      const results = await addOne(ctx, req.v3AndBelowTransactionalId, req.v3AndBelowProducerId, req.v3AndBelowProducerEpoch, req.v3AndBelowTopics, false);
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results };
    }
    const resultsByTransaction = [];
    for (const t of req.transactions) {
      resultsByTransaction.push({ transactionalId: t.transactionalId, topicResults: await addOne(ctx, t.transactionalId, t.producerId, t.producerEpoch, t.topics, t.verifyOnly) });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction };
  },
});
