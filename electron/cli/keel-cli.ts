// `keel` — the console's command-line companion (`npm run cli -- ...`, `npx keel ...`). Every
// command goes through the same services as the desktop app (kafkajs adapter, topic, group and
// message services), so a reset planned here equals the one the UI would apply.
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { consumeCommand, CONSUME_HELP, produceCommand, PRODUCE_HELP } from './cli-messages.js';
import { groupsCommand, GROUPS_HELP } from './cli-groups.js';
import { EXIT, openAdapter, toCliError, type Io } from './cli-support.js';
import { topicsCommand, TOPICS_HELP } from './cli-topics.js';

export const HELP = `Usage: keel <command> [options]

Commands:
  keel sandbox [--brokers 3] [--data-dir DIR] [--port 9092] [--host 127.0.0.1] [--config name=value ...]
      the embedded Kafka cluster, headless (same as npm run sandbox)
${[TOPICS_HELP, GROUPS_HELP, PRODUCE_HELP, CONSUME_HELP].map((h) => h.replace(/^/gm, '  ')).join('\n')}

Connection (every command but sandbox):
  --bootstrap-server HOST:PORT[,HOST:PORT]   or KEEL_BOOTSTRAP_SERVER
  --tls  --tls-ca FILE  --tls-cert FILE  --tls-key FILE  --tls-skip-verify
  --sasl-mechanism PLAIN|SCRAM-SHA-256|SCRAM-SHA-512  --sasl-username USER
  --sasl-password PASS   or KEEL_SASL_PASSWORD (keeps it out of shell history)
  --timeout-ms MS (default 10000)
Output:
  --json   machine-readable JSON on stdout; errors as {"error":{code,message}} on stderr

Exit codes:
  0 ok   1 the operation failed   2 bad command line   3 topic/group/partition not found
  4 group has active members (reset refused)   5 cluster unreachable, auth/TLS failure or timeout
  6 topic already exists
`;

const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  async *stdinLines() {
    const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of rl) yield line;
  },
};

/** Runs one command line; returns the exit code (never calls process.exit, so tests can call it). */
export async function runCli(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  const json = argv.includes('--json');
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return command === undefined ? EXIT.USAGE : EXIT.OK;
      case 'sandbox': {
        // Loaded on demand: the broker is only needed by this command.
        const { runSandboxCli } = await import('../../embedded-broker/sandbox-cli.js');
        await runSandboxCli(rest);
        return await new Promise<number>(() => undefined); // runs until a signal ends the process
      }
      case 'topics':
        return await topicsCommand(rest, io, openAdapter);
      case 'groups':
        return await groupsCommand(rest, io, openAdapter);
      case 'produce':
        return await produceCommand(rest, io, openAdapter);
      case 'consume':
        return await consumeCommand(rest, io, openAdapter);
      default:
        io.err(`keel: unknown command "${command}"\n\n${HELP}`);
        return EXIT.USAGE;
    }
  } catch (err) {
    const e = toCliError(err);
    io.err(json ? `${JSON.stringify({ error: { code: e.code, message: e.message, exitCode: e.exitCode } })}\n` : `keel: ${e.message}\n`);
    return e.exitCode;
  }
}

/** The process entry: exits with the command's code. build/keel-cli.mjs calls this too. */
export function main(): void {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`keel: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(EXIT.FAILED);
    },
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
