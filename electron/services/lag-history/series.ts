// Series keys and value layouts shared by the writer (sampler, aggregator) and the readers.
// Nullable values are stored as value + 1 so 0 means "none" and deltas stay non-negative-ish.
//
//   raw tier        t  topic partition          [end, bytes+1]
//                   g  group topic partition    [committed+1, lag+1, timeLagMs+1]
//   minute / hour   t  topic partition          [endLast, bytesLast+1, rateMaxMilli+1]
//                   T  topic                    [endSum, bytesSum+1, rateMaxMilli+1]
//                   g  group topic partition    [committedLast+1, lagMax+1, lagMin+1, timeLagMax+1, endLast+1]
//                   G  group                    [lagMax+1, lagMin+1, timeLagMax+1]
const SEP = '\u001f';

export type SeriesKind = 't' | 'T' | 'g' | 'G';

export const topicPartitionKey = (topic: string, partition: number) => `t${SEP}${topic}${SEP}${partition}`;
export const topicTotalKey = (topic: string) => `T${SEP}${topic}`;
export const groupPartitionKey = (group: string, topic: string, partition: number) => `g${SEP}${group}${SEP}${topic}${SEP}${partition}`;
export const groupTotalKey = (group: string) => `G${SEP}${group}`;

export interface ParsedKey {
  kind: SeriesKind;
  group?: string;
  topic?: string;
  partition?: number;
}

export function parseKey(key: string): ParsedKey {
  const parts = key.split(SEP);
  const kind = parts[0] as SeriesKind;
  switch (kind) {
    case 't':
      return { kind, topic: parts[1]!, partition: Number(parts[2]) };
    case 'T':
      return { kind, topic: parts[1]! };
    case 'g':
      // Group ids may contain anything, so topic and partition are taken from the end.
      return { kind, group: parts.slice(1, -2).join(SEP), topic: parts.at(-2)!, partition: Number(parts.at(-1)) };
    case 'G':
      return { kind, group: parts.slice(1).join(SEP) };
    default:
      throw new Error(`unknown series key ${JSON.stringify(key)}`);
  }
}

export const groupPrefix = (group: string) => `g${SEP}${group}${SEP}`;
export const topicPrefix = (topic: string) => `t${SEP}${topic}${SEP}`;

export const enc = (v: number | null) => (v === null ? 0 : v + 1);
export const dec = (v: number | undefined) => (v === undefined || v === 0 ? null : v - 1);

/** One sampler tick for one cluster, in the shape the store and the aggregators consume. */
export interface ClusterSample {
  t: number;
  topics: Array<{ topic: string; partition: number; end: number; bytes: number | null; rate: number | null }>;
  groups: Array<{ group: string; topic: string; partition: number; committed: number | null; lag: number | null; timeLagMs: number | null }>;
}

export function rawEntries(s: ClusterSample): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [];
  for (const p of s.topics) out.push([topicPartitionKey(p.topic, p.partition), [p.end, enc(p.bytes)]]);
  for (const g of s.groups) out.push([groupPartitionKey(g.group, g.topic, g.partition), [enc(g.committed), enc(g.lag), enc(g.timeLagMs)]]);
  return out;
}
