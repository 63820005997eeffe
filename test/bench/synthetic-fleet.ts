// A synthetic cluster shaped like a production fleet, for the lag sampler bench: consumer
// groups share topics (several services read the same stream), producers run at rates spread
// over four orders of magnitude that drift, with Poisson-like noise and occasional bursts, and
// consumers are in the states an operations console sees:
//   caught up (70 %)   committing behind the producer by what was in flight at commit time
//                      (0 to ~1 s of traffic);
//   behind (15 %)      consuming at 85–110 % of the producer's base rate, with noise;
//   stopped (10 %)     a consumer that is down: its committed offsets stay, its lag grows;
//   batch (5 %)        a job that commits everything once every ~10 minutes, idle otherwise.
// It also estimates the randomness its offsets carry (`noiseBits`): what any lossless store has
// to write however well it predicts, so a raw-tier size can be read against it.
import type { ClusterSnapshot } from '../../electron/services/lag-history/cluster-snapshot.js';
import { rng } from '../helpers/seeded-random.js';

type ConsumerKind = 'caughtUp' | 'behind' | 'stopped' | 'batch';

interface TopicModel {
  rate: number[];
  end: number[];
  burst: number[];
}

interface GroupModel {
  topic: number;
  kind: ConsumerKind;
  committed: number[];
  capacity: number;
}


/** Entropy in bits of a coin that comes up with probability p. */
function coinBits(p: number): number {
  return p <= 0 || p >= 1 ? 0 : -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}

/** Entropy of noisy(mean): a coin below 1, else a near-Gaussian count with sd ≈ 0.98 √mean (discretized). */
function countBits(mean: number): number {
  if (mean < 1) return coinBits(mean);
  return Math.max(0, 0.5 * Math.log2(2 * Math.PI * Math.E * 0.96 * mean));
}

/** Draws from one seeded generator: uniforms, a bounded near-normal, and message counts. */
export class Draws {
  readonly uniform: () => number;

  constructor(seed: number) {
    this.uniform = rng(seed);
  }

  /** Sum of four uniforms − 2: about N(0, 0.58), bounded. */
  gauss(): number {
    const r = this.uniform;
    return r() + r() + r() + r() - 2;
  }

  /** A count with mean `mean` and Poisson-like spread; below 1, a coin with that probability. */
  count(mean: number): number {
    if (mean < 1) return this.uniform() < mean ? 1 : 0;
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.gauss() * 1.7));
  }
}

/** A 3-broker snapshot of topics `topic-<i>` (their partitions' end offsets) and groups `group-<i>`, each reading all partitions of one topic. */
export function syntheticSnapshot(t: number, topicEnds: number[][], groups: Array<{ topic: number; committed: number[]; stopped: boolean }>): ClusterSnapshot {
  return {
    t,
    brokers: 3,
    errors: [],
    topics: topicEnds.map((ends, i) => ({
      topic: `topic-${i}`,
      internal: false,
      partitions: ends.map((end, p) => ({ partition: p, leader: p % 3, replicas: 3, isr: 3, start: 0, end })),
    })),
    groups: groups.map((g, i) => ({
      groupId: `group-${i}`,
      state: g.stopped ? 'Empty' : 'Stable',
      members: g.stopped ? 0 : 1,
      offsets: g.committed.map((c, p) => ({ topic: `topic-${g.topic}`, partition: p, committed: c, lag: Math.max(0, topicEnds[g.topic]![p]! - c) })),
    })),
  };
}

export class SyntheticFleet {
  private readonly draws = new Draws(7);
  private readonly rand = this.draws.uniform;
  /** Estimated entropy of every offset drawn so far (rate drift left out: it is not seen directly). */
  noiseBits = 0;
  private readonly topics: TopicModel[];
  private readonly groupModels: GroupModel[];
  private tick = 0;

  constructor(
    readonly groups: number,
    readonly partitions: number,
    readonly intervalMs: number,
    readonly groupsPerTopic = 5,
  ) {
    const r = this.rand;
    const topicCount = Math.max(1, Math.round(groups / groupsPerTopic));
    this.topics = Array.from({ length: topicCount }, () => ({
      rate: Array.from({ length: partitions }, () => 0.02 * Math.exp(r() * Math.log(100 / 0.02))),
      end: Array.from({ length: partitions }, () => Math.floor(r() * 1e9)),
      burst: new Array<number>(partitions).fill(0),
    }));
    this.groupModels = Array.from({ length: groups }, (_, g) => {
      const topic = g % topicCount;
      const x = r();
      const kind: ConsumerKind = x < 0.7 ? 'caughtUp' : x < 0.85 ? 'behind' : x < 0.95 ? 'stopped' : 'batch';
      const committed = this.topics[topic]!.end.map((e) => e - Math.floor(r() * 1000));
      return { topic, kind, committed, capacity: 0.85 + r() * 0.25 };
    });
  }


  advance(): void {
    const r = this.rand;
    const dt = this.intervalMs / 1000;
    this.tick++;
    for (const t of this.topics) {
      for (let p = 0; p < this.partitions; p++) {
        t.rate[p] = Math.min(200, Math.max(0.01, t.rate[p]! * (1 + (r() - 0.5) * 0.04)));
        if (t.burst[p]! > 0) t.burst[p]!--;
        else {
          this.noiseBits += coinBits(0.002);
          if (r() < 0.002) t.burst[p] = 12;
        }
        const mean = t.rate[p]! * dt * (t.burst[p]! > 0 ? 5 : 1);
        this.noiseBits += countBits(mean);
        t.end[p]! += this.draws.count(mean);
      }
    }
    for (const g of this.groupModels) {
      const t = this.topics[g.topic]!;
      for (let p = 0; p < this.partitions; p++) {
        const end = t.end[p]!;
        const rate = t.rate[p]!;
        if (g.kind === 'caughtUp') {
          // Lag: about uniform over 0..rate (a second of traffic in flight), or a coin below that.
          this.noiseBits += rate >= 2 ? Math.log2(rate) : coinBits(rate / 2);
          g.committed[p] = Math.max(g.committed[p]!, end - this.draws.count(rate * r()));
        } else if (g.kind === 'behind') {
          this.noiseBits += countBits(rate * dt * g.capacity);
          g.committed[p] = Math.min(end, g.committed[p]! + this.draws.count(rate * dt * g.capacity));
        }
        else if (g.kind === 'batch' && (this.tick + g.topic) % 120 === 0) g.committed[p] = end;
      }
    }
  }

  snapshot(t: number): ClusterSnapshot {
    return syntheticSnapshot(t, this.topics.map((m) => m.end), this.groupModels.map((g) => ({ topic: g.topic, committed: g.committed, stopped: g.kind === 'stopped' })));
  }
}
