/** Per-partition log settings (the topic-level Kafka configs that shape the on-disk log). */
export interface LogConfig {
  /** segment.bytes: roll when the next append would exceed this. */
  segmentBytes: number;
  /** segment.ms: roll when the active segment's first append is older than this. */
  segmentMs: number;
  /** retention.ms; -1 = unlimited. */
  retentionMs: number;
  /** retention.bytes; -1 = unlimited. */
  retentionBytes: number;
  /** index.interval.bytes: bytes of log between sparse offset index entries. */
  indexIntervalBytes: number;
  /** flush.messages: fsync after this many messages. */
  flushMessages: number;
  /** flush.ms: fsync at least this often (checked on append). */
  flushMs: number;
  /** file.delete.delay.ms: how long deleted segment files linger as `.deleted`. */
  fileDeleteDelayMs: number;
}

export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze({
  segmentBytes: 1073741824,
  segmentMs: 604800000,
  retentionMs: 604800000,
  retentionBytes: -1,
  indexIntervalBytes: 4096,
  flushMessages: Number.MAX_SAFE_INTEGER,
  flushMs: Number.MAX_SAFE_INTEGER,
  fileDeleteDelayMs: 60000,
});
