// Shared bits of the interop suite that are not peer-specific.
import { RawClient } from '../helpers/raw-client.js';

/**
 * The replication factor interop topics use: 3 on a 3-broker cluster, unless the broker
 * refuses replicated topics because follower replication has not landed yet (it says so
 * with INVALID_REPLICATION_FACTOR and "not supported by this sandbox yet"); then 1, loudly.
 * Any other refusal is a real failure.
 */
export async function interopReplicationFactor(bootstrap: string[]): Promise<number> {
  const client = await RawClient.connectTo(bootstrap[0]!);
  try {
    const res = await client.request(19, 4, {
      topics: [{ name: 'keel-rf-probe', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: true,
    });
    const t = res.topics[0];
    if (t.errorCode === 0) return 3;
    if (t.errorCode === 38 && /not supported by this sandbox yet/.test(t.errorMessage ?? '')) {
      process.stderr.write(`interop: replication factor 3 refused (${t.errorMessage}); using 1\n`);
      return 1;
    }
    throw new Error(`replication probe failed: error ${t.errorCode} ${t.errorMessage}`);
  } finally {
    client.close();
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
