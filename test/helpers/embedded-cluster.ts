// Starts a real embedded cluster on ephemeral 127.0.0.1 ports in a fresh temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster, type ClusterHandle, type StartClusterOptions } from '../../embedded-broker/index.js';

export interface TestCluster extends ClusterHandle {
  dataDir: string;
  /** Closes the cluster and removes its data dir. */
  destroy(): Promise<void>;
}

export function tempDir(prefix = 'keel-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startTestCluster(options: Partial<StartClusterOptions> = {}): Promise<TestCluster> {
  const dataDir = options.dataDir ?? tempDir();
  const logs: string[] = [];
  const handle = await startCluster({
    brokers: 3,
    host: '127.0.0.1',
    ports: 0,
    logger: (level, message) => {
      logs.push(`${level}: ${message}`);
      if (level === 'error') process.stderr.write(`broker error: ${message}\n`);
    },
    ...options,
    dataDir,
  });
  return {
    ...handle,
    dataDir,
    async destroy() {
      await handle.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
