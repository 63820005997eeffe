// keel produce | consume — quick checks through the console's message services. consume reads
// without joining a consumer group (the console's browse path), so it never leaves a group or
// committed offsets behind on the cluster.
import { browseInput, produceInput, tailStartInput, type MessageView } from '../contract/index.js';
import type { KafkaAdapter } from '../services/kafka-adapter.js';
import { browseMessages } from '../services/message-browser.js';
import { produceMessage, startTail } from '../services/message-service.js';
import { EXIT, parse, usage, type Io, type Values } from './cli-support.js';

export const PRODUCE_HELP = `keel produce TOPIC [--value TEXT | one message per stdin line] [--key KEY]
    [--key-separator SEP (split each stdin line into key SEP value)] [--partition N]
    [--header name=value ...] [--compression none|gzip|snappy|lz4|zstd] [--acks -1|0|1]`;
export const CONSUME_HELP = `keel consume TOPIC [--from-beginning | --offset N] [--partition N ...]
    [--max-messages N (default 100)] [--print-key] [--follow (keep printing new messages until Ctrl-C)]`;

const topicOf = (positionals: string[], v: Values) => {
  const t = (v.topic as string | undefined) ?? positionals[0];
  if (!t) throw usage('a topic name is required');
  return t;
};

export async function produceCommand(args: string[], io: Io, open: (v: Values) => KafkaAdapter): Promise<number> {
  const { values, positionals } = parse(args, {
    topic: { type: 'string' },
    key: { type: 'string' },
    value: { type: 'string' },
    'key-separator': { type: 'string' },
    partition: { type: 'string' },
    header: { type: 'string', multiple: true, default: [] },
    compression: { type: 'string', default: 'none' },
    acks: { type: 'string', default: '-1' },
  });
  if (values.help) return io.out(`${PRODUCE_HELP}\n`), EXIT.OK;
  const topic = topicOf(positionals, values);
  const headers = (values.header as string[]).map((h) => {
    const eq = h.indexOf('=');
    if (eq <= 0) throw usage(`--header expects name=value, got ${h}`);
    return { key: h.slice(0, eq), value: h.slice(eq + 1) };
  });
  const base = {
    clusterId: 'cli',
    topic,
    headers,
    compression: values.compression,
    acks: Number(values.acks),
    ...(values.partition !== undefined ? { partition: Number(values.partition) } : {}),
  };
  const check = produceInput.safeParse({ ...base, value: '' });
  if (!check.success) throw usage(check.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const adapter = open(values);
  const results: Array<{ partition: number; offset: string | null }> = [];
  try {
    const send = async (key: string | null, value: string) => {
      const r = await produceMessage(adapter, produceInput.parse({ ...base, key, value }));
      results.push(r);
      if (values.json !== true) io.out(`${topic}-${r.partition}@${r.offset ?? '?'}\n`);
    };
    if (values.value !== undefined) await send((values.key as string | undefined) ?? null, values.value as string);
    else {
      const sep = values['key-separator'] as string | undefined;
      for await (const line of io.stdinLines()) {
        if (line === '') continue;
        const at = sep ? line.indexOf(sep) : -1;
        if (sep && at < 0) throw usage(`line without the key separator "${sep}": ${line}`);
        await send(at >= 0 ? line.slice(0, at) : ((values.key as string | undefined) ?? null), at >= 0 ? line.slice(at + sep!.length) : line);
      }
    }
    if (values.json === true) io.out(`${JSON.stringify(results)}\n`);
    return EXIT.OK;
  } finally {
    await adapter.close();
  }
}

const show = (m: MessageView, printKey: boolean) => `${printKey ? `${m.key?.text ?? 'null'}\t` : ''}${m.value?.text ?? 'null'}\n`;

export async function consumeCommand(args: string[], io: Io, open: (v: Values) => KafkaAdapter): Promise<number> {
  const { values, positionals } = parse(args, {
    topic: { type: 'string' },
    'from-beginning': { type: 'boolean', default: false },
    offset: { type: 'string' },
    partition: { type: 'string', multiple: true, default: [] },
    'max-messages': { type: 'string', default: '100' },
    'print-key': { type: 'boolean', default: false },
    follow: { type: 'boolean', default: false },
  });
  if (values.help) return io.out(`${CONSUME_HELP}\n`), EXIT.OK;
  const topic = topicOf(positionals, values);
  const max = Number(values['max-messages']);
  if (!Number.isInteger(max) || max < 1 || max > 10_000) throw usage('--max-messages must be 1..10000');
  const partitions = (values.partition as string[]).map(Number);
  if (partitions.some((p) => !Number.isInteger(p) || p < 0)) throw usage('--partition expects a partition number');
  if (values.offset !== undefined && !/^\d+$/.test(values.offset as string)) throw usage('--offset expects a non-negative integer');
  const start = values.offset !== undefined ? { from: 'offset', offset: values.offset } : values['from-beginning'] ? { from: 'beginning' } : { from: 'newest', count: max };
  const json = values.json === true;
  const printKey = values['print-key'] === true;
  const adapter = open(values);
  try {
    const page = await browseMessages(
      adapter,
      browseInput.parse({ clusterId: 'cli', topic, start, ...(partitions.length ? { partitions } : {}), limits: { results: max } }),
    );
    if (json) io.out(`${JSON.stringify(page.messages)}\n`);
    else for (const m of page.messages) io.out(show(m, printKey));
    if (!values.follow) {
      if (!json) io.err(`Processed a total of ${page.messages.length} messages\n`);
      return EXIT.OK;
    }
    await new Promise<void>((resolve) => {
      let tailStop = () => undefined as void;
      void startTail(adapter, tailStartInput.parse({ clusterId: 'cli', topic, ...(partitions.length ? { partitions } : {}) }), (p) => {
        for (const m of p.messages) io.out(json ? `${JSON.stringify(m)}\n` : show(m, printKey));
        if (p.error) {
          io.err(`${p.error.message}\n`);
          resolve();
        }
      }).then(({ tail }) => (tailStop = tail.stop));
      const done = () => {
        tailStop();
        resolve();
      };
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    return EXIT.OK;
  } finally {
    await adapter.close();
  }
}
