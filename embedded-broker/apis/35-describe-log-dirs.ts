// DescribeLogDirs (key 35), v0-4: this broker's one log directory and, per replica it
// holds, the size on disk and how far it is behind the leader.
import fs from 'node:fs';
import { defineApi } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import type { DescribeLogDirsRequest, DescribeLogDirsResponse, Encodable } from '../protocol/generated/message-types.js';

export const describeLogDirsApi = defineApi<DescribeLogDirsRequest, Encodable<DescribeLogDirsResponse>>({
  apiKey: 35,
  name: 'DescribeLogDirs',
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    if (ctx.injectedError !== undefined) {
      // Before v4 the only error field is the log dir's own: that is where a sandbox fault shows.
      return { throttleTimeMs: 0, errorCode: ctx.injectedError, results: [{ errorCode: ctx.injectedError, logDir: ctx.node.dataDir, topics: [], totalBytes: -1, usableBytes: -1 }] };
    }
    const nodeId = ctx.node.nodeId;
    const wanted = req.topics ? new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)])) : null;
    const topics = [];
    for (const topic of ctx.cluster.topics.values()) {
      const only = wanted?.get(topic.name);
      if (wanted && !only) continue;
      const partitions = topic.partitions
        .filter((p) => p.state.replicas.includes(nodeId) && (!only || only.has(p.index)))
        .map((p) => {
          const log = p.logOn(nodeId);
          const leaderEnd = p.state.leader >= 0 ? p.leaderLog().logEndOffset : log.logEndOffset;
          return { partitionIndex: p.index, partitionSize: log.sizeInBytes, offsetLag: Math.max(0, leaderEnd - log.logEndOffset), isFutureKey: false };
        });
      if (partitions.length > 0) topics.push({ name: topic.name, partitions });
    }
    let totalBytes = -1;
    let usableBytes = -1;
    try {
      const stats = fs.statfsSync(ctx.node.dataDir);
      totalBytes = stats.blocks * stats.bsize;
      usableBytes = stats.bavail * stats.bsize;
    } catch {
      // Unknown sizes are reported as -1, as Kafka does.
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{ errorCode: ErrorCode.NONE, logDir: ctx.node.dataDir, topics, totalBytes, usableBytes }],
    };
  },
});
