// Produce (key 0), v3-11. Record batch v2 only (v0-2 carry message format 0/1, which
// the sandbox does not store). Batches are CRC-checked, stored byte-for-byte as sent
// (compressed batches are not recompressed) and acknowledged only after they reached the
// log file. acks=0 gets no response at all; acks=-1 is refused up front when the ISR is
// smaller than min.insync.replicas.
import { defineApi, NO_RESPONSE, type RequestContext } from './api-handler.js';
import { ErrorCode, KafkaError } from '../cluster/error-codes.js';
import { errorCodeOf, findTopic, leaderPartition } from './partition-access.js';
import { validateProducedBatches } from '../protocol/record-batch.js';
import type { Encodable, ProduceRequest, ProduceResponse, ProduceResponsePartitionProduceResponse } from '../protocol/generated/message-types.js';

type PartitionResult = Encodable<ProduceResponsePartitionProduceResponse>;

function failed(index: number, code: number, message: string): PartitionResult {
  return { index, errorCode: code, errorMessage: message, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

function produceToPartition(ctx: RequestContext, topicName: string, index: number, records: Buffer | null, acks: number): PartitionResult {
  const topic = findTopic(ctx, topicName);
  const partition = leaderPartition(ctx, topic, index);
  if (!records || records.length === 0) throw new KafkaError(ErrorCode.INVALID_RECORD, 'Produce request carried no record batch.');
  const maxBytes = Number(topic.config('max.message.bytes'));
  const validation = validateProducedBatches(records, maxBytes);
  if (!validation.ok) throw new KafkaError(ErrorCode[validation.error], validation.message);
  if (acks === -1) {
    const minIsr = Number(topic.config('min.insync.replicas'));
    if (partition.state.isr.length < minIsr) {
      throw new KafkaError(ErrorCode.NOT_ENOUGH_REPLICAS, `The in-sync replicas of ${partition.name} (${partition.state.isr.join(',')}) are fewer than min.insync.replicas=${minIsr}.`);
    }
  }
  const result = partition.appendAsLeader(records, validation.batches, Date.now());
  return {
    index,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    baseOffset: result.baseOffset,
    logAppendTimeMs: result.logAppendTime,
    logStartOffset: partition.leaderLog().logStartOffset,
  };
}

export const produceApi = defineApi<ProduceRequest, Encodable<ProduceResponse>>({
  apiKey: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 11,
  handle(ctx, req) {
    const validAcks = req.acks === 0 || req.acks === 1 || req.acks === -1;
    const responses = req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => {
        if (!validAcks) return failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be -1, 0 or 1, got ${req.acks}`);
        try {
          return produceToPartition(ctx, t.name, p.index, p.records, req.acks);
        } catch (err) {
          const { code, message } = errorCodeOf(ctx, err);
          return failed(p.index, code, message);
        }
      }),
    }));
    if (req.acks === 0) return NO_RESPONSE;
    return { responses, throttleTimeMs: 0 };
  },
});
