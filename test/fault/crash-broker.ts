// Child-process broker for the crash tests: starts the embedded cluster on a given data dir
// and fixed ports, prints one "KEEL-READY <bootstrap>" line when it accepts connections, and
// then just runs until it is killed (SIGKILL by the test: no shutdown path runs).
// Usage: node --import tsx test/fault/crash-broker.ts <dataDir> <port,port,port> [name=value ...]
import { startCluster } from '../../embedded-broker/index.js';

const [dataDir, portList, ...configArgs] = process.argv.slice(2);
if (!dataDir || !portList) {
  process.stderr.write('usage: crash-broker.ts <dataDir> <port,port,...> [name=value ...]\n');
  process.exit(2);
}
const ports = portList.split(',').map(Number);
const config: Record<string, string> = {};
for (const arg of configArgs) {
  const eq = arg.indexOf('=');
  config[arg.slice(0, eq)] = arg.slice(eq + 1);
}

const handle = await startCluster({
  brokers: ports.length,
  dataDir,
  host: '127.0.0.1',
  ports,
  config,
  logger: (level, message) => {
    if (level === 'error') process.stderr.write(`broker error: ${message}\n`);
  },
});
process.stdout.write(`KEEL-READY ${handle.bootstrap.join(',')}\n`);
// The parent's death must not leave an orphan broker holding the ports.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
