/**
 * Opening a partition log directory: leftover temp files removed, segments opened (recovered
 * after an unclean shutdown), the log start offset and the leader epoch cache loaded.
 *
 * The epoch checkpoint is written without fsync when an append starts a new epoch (see
 * LeaderEpochCache.assign) and fsynced only together with log data (roll, flush, close). So
 * after an unclean shutdown the file may lack the epochs of the active segment; those are
 * re-derived here from the batch headers of the active segment, which recovery has just
 * verified. Sealed segments' epochs were fsynced when they were rolled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseIntegers, readCheckpoint } from './checkpoint-file.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { openSegments } from './recovery.js';
import { rmQuiet, type LogSegment } from './segment.js';

export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
export const LOG_START_OFFSET_FILE = 'log-start-offset-checkpoint';
export const LEADER_EPOCH_FILE = 'leader-epoch-checkpoint';

export interface OpenedLog {
  segments: LogSegment[];
  startOffset: number;
  epochs: LeaderEpochCache;
}

export function openLogDir(dir: string, indexIntervalBytes: number, now: number): OpenedLog {
  fs.mkdirSync(dir, { recursive: true });
  const marker = path.join(dir, CLEAN_SHUTDOWN_FILE);
  const clean = fs.existsSync(marker);
  const bases: number[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (name.endsWith('.deleted') || name.endsWith('.tmp')) rmQuiet(path.join(dir, name));
    else if (/^\d{20}\.log$/.test(name)) bases.push(Number(name.slice(0, 20)));
  }
  bases.sort((a, b) => a - b);

  const checkpointLines = readCheckpoint(path.join(dir, LOG_START_OFFSET_FILE));
  const checkpointed = checkpointLines?.length === 1 ? parseIntegers(checkpointLines[0]!, 1)?.[0] ?? null : null;

  const initialBase = checkpointed !== null && checkpointed > 0 ? checkpointed : 0;
  const segments = openSegments(dir, bases, clean, indexIntervalBytes, initialBase, now);
  // Remove the marker only now: a crash from here on must trigger recovery next time.
  rmQuiet(marker);

  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  let startOffset = first.baseOffset;
  if (checkpointed !== null && checkpointed > startOffset) startOffset = Math.min(checkpointed, last.nextOffset);

  const epochs = new LeaderEpochCache(path.join(dir, LEADER_EPOCH_FILE));
  if (!epochs.load()) rebuildEpochCache(segments, epochs, startOffset, segments);
  else if (!clean) rebuildEpochCache([last], epochs, startOffset, segments);
  epochs.truncateFromEnd(last.nextOffset);
  return { segments, startOffset, epochs };
}

/** Assigns the epochs found in the batch headers of `scan` (a brand-new empty log writes no file). */
function rebuildEpochCache(scan: readonly LogSegment[], epochs: LeaderEpochCache, startOffset: number, all: readonly LogSegment[]): void {
  const before = epochs.latestEpoch();
  let last = before;
  for (const seg of scan) {
    seg.scanHeaders(0, (h) => {
      if (h.partitionLeaderEpoch > last) {
        epochs.assign(h.partitionLeaderEpoch, Math.max(h.baseOffset, startOffset), false);
        last = h.partitionLeaderEpoch;
      }
      return true;
    });
  }
  const empty = all.every((s) => s.size === 0);
  if (last !== before || (scan === all && !empty)) epochs.persist();
}
