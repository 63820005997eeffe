// keel topics list | describe | create | delete — through the console's topic service.
import { createTopicInput, topicListInput } from '../contract/index.js';
import type { KafkaAdapter } from '../services/kafka-adapter.js';
import { createTopic, deleteTopic, getTopic, listTopics } from '../services/topic-service.js';
import { EXIT, parse, table, usage, type Io, type Values } from './cli-support.js';

export const TOPICS_HELP = `keel topics list [--include-internal] [--search TEXT]
keel topics describe TOPIC
keel topics create TOPIC [--partitions N] [--replication-factor N] [--config name=value ...]
keel topics delete TOPIC`;

const topicArg = (positionals: string[], values: Values) => {
  const t = (values.topic as string | undefined) ?? positionals[0];
  if (!t) throw usage('a topic name is required');
  return t;
};

export async function topicsCommand(args: string[], io: Io, open: (v: Values) => KafkaAdapter): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    topic: { type: 'string' },
    'include-internal': { type: 'boolean', default: false },
    search: { type: 'string' },
    partitions: { type: 'string', default: '1' },
    'replication-factor': { type: 'string', default: '1' },
    config: { type: 'string', multiple: true, default: [] },
  });
  if (values.help || !sub) return io.out(`${TOPICS_HELP}\n`), sub ? EXIT.OK : EXIT.USAGE;
  const json = values.json === true;
  const adapter = open(values);
  try {
    switch (sub) {
      case 'list': {
        const all = [];
        for (let offset = 0; ; offset += 1000) {
          const page = await listTopics(adapter, topicListInput.parse({ clusterId: 'cli', includeInternal: values['include-internal'], search: values.search, offset, limit: 1000 }));
          all.push(...page.items);
          if (all.length >= page.total || page.items.length === 0) break;
        }
        if (json) io.out(`${JSON.stringify(all)}\n`);
        else io.out(table(['TOPIC', 'PARTITIONS', 'REPLICATION-FACTOR', 'MESSAGES', 'UNDER-REPLICATED'], all.map((t) => [t.name, t.partitions, t.replicationFactor, t.messageCountEstimate, t.underReplicatedPartitions])));
        return EXIT.OK;
      }
      case 'describe': {
        const d = await getTopic(adapter, topicArg(positionals, values));
        if (json) io.out(`${JSON.stringify(d)}\n`);
        else {
          io.out(`Topic: ${d.name}\tPartitionCount: ${d.partitions.length}\tReplicationFactor: ${d.replicationFactor}\tMessages: ${d.messageCountEstimate}\n`);
          io.out(table(['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOG-START-OFFSET', 'LOG-END-OFFSET'], d.partitions.map((p) => [p.partition, p.leader, p.replicas.join(','), p.isr.join(','), p.logStartOffset, p.highWatermark])));
        }
        return EXIT.OK;
      }
      case 'create': {
        const configs: Record<string, string> = {};
        for (const c of values.config as string[]) {
          const eq = c.indexOf('=');
          if (eq <= 0) throw usage(`--config expects name=value, got ${c}`);
          configs[c.slice(0, eq)] = c.slice(eq + 1);
        }
        const parsed = createTopicInput.safeParse({
          clusterId: 'cli',
          topic: topicArg(positionals, values),
          partitions: Number(values.partitions),
          replicationFactor: Number(values['replication-factor']),
          configs,
        });
        if (!parsed.success) throw usage(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        await createTopic(adapter, parsed.data);
        io.out(json ? `${JSON.stringify({ created: parsed.data.topic })}\n` : `Created topic ${parsed.data.topic}.\n`);
        return EXIT.OK;
      }
      case 'delete': {
        const topic = topicArg(positionals, values);
        await deleteTopic(adapter, topic);
        io.out(json ? `${JSON.stringify({ deleted: topic })}\n` : `Deleted topic ${topic}.\n`);
        return EXIT.OK;
      }
      default:
        throw usage(`unknown topics command "${sub}"\n${TOPICS_HELP}`);
    }
  } finally {
    await adapter.close();
  }
}
