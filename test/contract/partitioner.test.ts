// The key partitioner must be Kafka's (Java's) murmur2: these are the values from Kafka's own
// Utils tests for murmur2, so a different hash would fail here.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../electron/services/partitioner.js';

const require = createRequire(import.meta.url);
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

describe('default partitioner', () => {
  it('hashes like the Java client', () => {
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ];
    for (const [key, hash] of cases) {
      expect(murmur2(Buffer.from(key))).toBe(hash);
      expect(partitionForKey(key, 12)).toBe((hash & 0x7fffffff) % 12);
    }
  });
});
