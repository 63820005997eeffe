export { PartitionLog, OffsetOutOfRangeError, CLEAN_SHUTDOWN_FILE, LEADER_EPOCH_FILE, LOG_START_OFFSET_FILE } from './partition-log.js';
export { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
