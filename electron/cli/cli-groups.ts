// keel groups list | describe | reset-offsets — the console's group service behind a
// kafka-consumer-groups.sh-shaped command line (same columns, same reset flags).
import { resetOffsetsInput, type ResetStrategy } from '../contract/index.js';
import { getGroup, listGroups, resetOffsets } from '../services/group-service.js';
import type { KafkaAdapter } from '../services/kafka-adapter.js';
import { CliError, EXIT, parse, table, usage, type Io, type Values } from './cli-support.js';

export const GROUPS_HELP = `keel groups list
keel groups describe GROUP
keel groups reset-offsets --group GROUP (--topic TOPIC[:P,P...] ... | --all-topics)
    (--to-earliest | --to-latest | --to-offset N | --to-datetime YYYY-MM-DDTHH:mm:SS[.sss][Z|±hh:mm]
     | --shift-by N | --by-duration PnDTnHnMnS)
    (--dry-run | --execute)        without either, the plan is printed and nothing changes`;

/** ISO-8601 duration as Kafka's tool takes it (PnDTnHnMnS), in ms. */
export function parseDuration(s: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(s);
  if (!m || s.toUpperCase() === 'P' || s.toUpperCase().endsWith('T')) throw usage(`--by-duration expects an ISO-8601 duration like PT10M or P1DT2H, got ${s}`);
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000;
}

function strategy(v: Values, now: number): ResetStrategy {
  const chosen: ResetStrategy[] = [];
  if (v['to-earliest']) chosen.push({ kind: 'earliest' });
  if (v['to-latest']) chosen.push({ kind: 'latest' });
  if (v['to-offset'] !== undefined) {
    if (!/^-?\d+$/.test(v['to-offset'] as string)) throw usage('--to-offset expects an integer');
    chosen.push({ kind: 'offset', offset: v['to-offset'] as string });
  }
  if (v['to-datetime'] !== undefined) {
    const t = Date.parse(v['to-datetime'] as string);
    if (Number.isNaN(t)) throw usage(`--to-datetime expects YYYY-MM-DDTHH:mm:SS.sss, got ${v['to-datetime']}`);
    chosen.push({ kind: 'timestamp', timestamp: t });
  }
  if (v['shift-by'] !== undefined) {
    if (!/^-?\d+$/.test(v['shift-by'] as string)) throw usage('--shift-by expects an integer');
    chosen.push({ kind: 'shift', by: Number(v['shift-by']) });
  }
  if (v['by-duration'] !== undefined) chosen.push({ kind: 'timestamp', timestamp: now - parseDuration(v['by-duration'] as string) });
  if (chosen.length !== 1) throw usage('give exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --shift-by, --by-duration');
  return chosen[0]!;
}

function topicsArg(specs: string[]): Array<{ topic: string; partitions?: number[] }> {
  return specs.map((spec) => {
    const colon = spec.lastIndexOf(':');
    if (colon < 0) return { topic: spec };
    const partitions = spec.slice(colon + 1).split(',').map((p) => Number(p));
    if (partitions.some((p) => !Number.isInteger(p) || p < 0)) throw usage(`--topic expects TOPIC or TOPIC:0,1,2, got ${spec}`);
    return { topic: spec.slice(0, colon), partitions };
  });
}

export async function groupsCommand(args: string[], io: Io, open: (v: Values) => KafkaAdapter): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    group: { type: 'string' },
    topic: { type: 'string', multiple: true, default: [] },
    'all-topics': { type: 'boolean', default: false },
    'to-earliest': { type: 'boolean', default: false },
    'to-latest': { type: 'boolean', default: false },
    'to-offset': { type: 'string' },
    'to-datetime': { type: 'string' },
    'shift-by': { type: 'string' },
    'by-duration': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    execute: { type: 'boolean', default: false },
  });
  if (values.help || !sub) return io.out(`${GROUPS_HELP}\n`), sub ? EXIT.OK : EXIT.USAGE;
  const json = values.json === true;
  const groupArg = () => {
    const g = (values.group as string | undefined) ?? positionals[0];
    if (!g) throw usage('a group id is required (--group GROUP)');
    return g;
  };
  // Validate the whole command line before connecting, so usage errors never wait on a cluster.
  let plan: { groupId: string; strategy: ResetStrategy; execute: boolean } | null = null;
  if (sub === 'reset-offsets') {
    if (values['dry-run'] && values.execute) throw usage('--dry-run and --execute are mutually exclusive');
    const topicSpecs = values.topic as string[];
    if (topicSpecs.length === 0 && !values['all-topics']) throw usage('give --topic TOPIC (repeatable) or --all-topics');
    if (topicSpecs.length > 0 && values['all-topics']) throw usage('--topic and --all-topics are mutually exclusive');
    plan = { groupId: groupArg(), strategy: strategy(values, Date.now()), execute: values.execute === true };
  } else if (sub !== 'list' && sub !== 'describe') {
    throw usage(`unknown groups command "${sub}"\n${GROUPS_HELP}`);
  }

  const adapter = open(values);
  try {
    if (sub === 'list') {
      const groups = await listGroups(adapter, { clusterId: 'cli', withLag: true });
      if (json) io.out(`${JSON.stringify(groups)}\n`);
      else io.out(table(['GROUP', 'STATE', 'MEMBERS', 'LAG', 'TOPICS'], groups.map((g) => [g.groupId, g.state, g.members, g.totalLag, g.topics.join(',')])));
      return EXIT.OK;
    }
    if (sub === 'describe') {
      const groupId = groupArg();
      const d = await getGroup(adapter, groupId);
      if (json) {
        io.out(`${JSON.stringify(d)}\n`);
        return EXIT.OK;
      }
      const member = new Map(d.members.map((m) => [m.memberId, m]));
      if (d.members.length === 0) io.out(`Consumer group '${groupId}' has no active members.\n\n`);
      io.out(
        table(
          ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
          d.partitions.map((p) => {
            const m = p.memberId ? member.get(p.memberId) : undefined;
            return [groupId, p.topic, p.partition, p.committedOffset, p.logEndOffset, p.lag, p.memberId, m?.host, m?.clientId];
          }),
        ),
      );
      return EXIT.OK;
    }

    const { groupId, strategy: s, execute } = plan!;
    let topics = topicsArg(values.topic as string[]);
    if (values['all-topics']) {
      // Kafka's tool resets every topic the group has committed offsets for.
      const d = await getGroup(adapter, groupId);
      topics = [...new Set(d.partitions.filter((p) => p.committedOffset !== null).map((p) => p.topic))].map((topic) => ({ topic }));
      if (topics.length === 0) throw new CliError(`Group '${groupId}' has no committed offsets to reset`, EXIT.NOT_FOUND, 'NOT_FOUND');
    }
    let result;
    try {
      result = await resetOffsets(adapter, resetOffsetsInput.parse({ clusterId: 'cli', groupId, topics, strategy: s, dryRun: !execute }));
    } catch (err) {
      if ((err as { code?: string }).code === 'GROUP_NOT_EMPTY') {
        const detail = (err as { detail?: { state?: string; members?: number } }).detail;
        throw new CliError(
          `Error: Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${detail?.state ?? 'active'} with ${detail?.members ?? 'some'} member(s). Stop its consumers, then run again.`,
          EXIT.GROUP_ACTIVE,
          'GROUP_NOT_EMPTY',
        );
      }
      throw err;
    }
    if (json) io.out(`${JSON.stringify({ groupId, ...result })}\n`);
    else {
      if (!execute && !values['dry-run']) io.err('WARN: No action was performed: add --execute to reset the offsets (showing the plan, as with --dry-run).\n');
      io.out(table(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'], result.rows.map((r) => [groupId, r.topic, r.partition, r.before, r.after])));
    }
    return EXIT.OK;
  } finally {
    await adapter.close();
  }
}
