// Consumer groups: lag views, delete, and offset reset (dry-run plan, then apply). Apply
// commits through the group coordinator directly (generation -1, no member id), the way
// Kafka's own admin client does, instead of joining the group with a throwaway consumer.
import kafkajs from 'kafkajs';
import { ContractError } from '../contract/errors.js';
import type { MethodOutput, MethodParsedInput, ResetPlanRow } from '../contract/index.js';
import type { KafkaAdapter } from './kafka-adapter.js';
import { fetchOneRecord } from './record-fetch.js';
import { topicMeta } from './topic-service.js';

const { AssignerProtocol } = kafkajs;

type GroupState = MethodOutput<'groups.get'>['state'];
const STATES = new Set(['Unknown', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty']);
const toState = (s: string): GroupState => (STATES.has(s) ? (s as GroupState) : 'Unknown');

async function committedOffsets(adapter: KafkaAdapter, groupId: string) {
  const res = await adapter.run('OffsetFetch', async () => (await adapter.admin()).fetchOffsets({ groupId }));
  const out = new Map<string, Map<number, { offset: string; metadata: string | null }>>();
  for (const t of res) {
    const m = new Map<number, { offset: string; metadata: string | null }>();
    for (const p of t.partitions) if (Number(p.offset) >= 0) m.set(p.partition, { offset: String(p.offset), metadata: p.metadata ?? null });
    if (m.size > 0) out.set(t.topic, m);
  }
  return out;
}

async function describe(adapter: KafkaAdapter, groupId: string) {
  const res = await adapter.run('DescribeGroups', async () => (await adapter.admin()).describeGroups([groupId]));
  const g = res.groups[0];
  if (!g) throw new ContractError('NOT_FOUND', `Group "${groupId}" not found`);
  return g;
}

function decodeAssignment(buf: Buffer | undefined): Array<{ topic: string; partitions: number[] }> {
  if (!buf || buf.length === 0) return [];
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buf);
    return Object.entries(decoded?.assignment ?? {}).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
  } catch {
    // Non-consumer protocols (Connect, Streams variants) encode assignments their own way.
    return [];
  }
}

export async function listGroups(adapter: KafkaAdapter, input: MethodParsedInput<'groups.list'>): Promise<MethodOutput<'groups.list'>> {
  const listed = await adapter.run('ListGroups', async () => (await adapter.admin()).listGroups());
  const needle = input.search?.trim().toLowerCase() ?? '';
  const ids = listed.groups.map((g) => g.groupId).filter((id) => needle === '' || id.toLowerCase().includes(needle)).sort();
  if (ids.length === 0) return [];
  const described = await adapter.run('DescribeGroups', async () => (await adapter.admin()).describeGroups(ids));
  const byId = new Map(described.groups.map((g) => [g.groupId, g]));
  // Lag of many groups: every group's commits first, then one ListOffsets round for the union
  // of their partitions, rather than one per group.
  const committedById = new Map<string, Awaited<ReturnType<typeof committedOffsets>> | null>();
  let ends: Map<string, Map<number, string>> | null = null;
  if (input.withLag) {
    const union = new Map<string, Set<number>>();
    for (let i = 0; i < ids.length; i += 200) {
      await Promise.all(
        ids.slice(i, i + 200).map(async (groupId) => {
          const committed = await committedOffsets(adapter, groupId).catch(() => null);
          committedById.set(groupId, committed);
          for (const [t, parts] of committed ?? []) {
            let set = union.get(t);
            if (!set) union.set(t, (set = new Set()));
            for (const p of parts.keys()) set.add(p);
          }
        }),
      );
    }
    ends = await adapter.offsets([...union].map(([topic, parts]) => ({ topic, partitions: [...parts] })), 'latest').catch(() => null);
  }
  return Promise.all(
    ids.map(async (groupId) => {
      const g = byId.get(groupId);
      let totalLag: number | null = null;
      let topics: string[] = [];
      const committed = committedById.get(groupId);
      if (input.withLag && committed && ends) {
        topics = [...committed.keys()].sort();
        totalLag = 0;
        for (const [t, parts] of committed) for (const [p, c] of parts) totalLag += Math.max(0, Number(ends.get(t)?.get(p) ?? c.offset) - Number(c.offset));
      }
      return {
        groupId,
        state: toState(g?.state ?? 'Unknown'),
        protocolType: g?.protocolType ?? '',
        protocol: g?.protocol ?? '',
        members: g?.members.length ?? 0,
        totalLag,
        topics,
      };
    }),
  );
}

export async function getGroup(adapter: KafkaAdapter, groupId: string): Promise<MethodOutput<'groups.get'>> {
  const g = await describe(adapter, groupId);
  const members = g.members.map((m) => ({
    memberId: m.memberId,
    clientId: m.clientId,
    host: m.clientHost,
    assignments: decodeAssignment(m.memberAssignment),
  }));
  if (g.state === 'Dead' && members.length === 0) {
    const committed = await committedOffsets(adapter, groupId);
    if (committed.size === 0) throw new ContractError('NOT_FOUND', `Group "${groupId}" not found`);
  }
  const owner = new Map<string, string>();
  for (const m of members) for (const a of m.assignments) for (const p of a.partitions) owner.set(`${a.topic}/${p}`, m.memberId);

  const committed = await committedOffsets(adapter, groupId);
  const wanted = new Map<string, Set<number>>();
  for (const [t, parts] of committed) wanted.set(t, new Set(parts.keys()));
  for (const m of members) for (const a of m.assignments) for (const p of a.partitions) (wanted.get(a.topic) ?? wanted.set(a.topic, new Set()).get(a.topic)!).add(p);
  const req = [...wanted].map(([topic, ps]) => ({ topic, partitions: [...ps] }));
  const [low, high] = await Promise.all([adapter.offsets(req, 'earliest'), adapter.offsets(req, 'latest')]);

  const partitions: MethodOutput<'groups.get'>['partitions'] = [];
  const now = Date.now();
  for (const { topic, partitions: ps } of req) {
    for (const partition of ps.sort((a, b) => a - b)) {
      const c = committed.get(topic)?.get(partition) ?? null;
      const end = high.get(topic)?.get(partition) ?? '0';
      const lag = c ? Math.max(0, Number(end) - Number(c.offset)) : null;
      let timeLagMs: number | null = lag === 0 ? 0 : null;
      if (c && lag && lag > 0) {
        // The oldest unconsumed message's age: how far behind in time the group is.
        const rec = await fetchOneRecord(adapter, topic, partition, c.offset).catch(() => null);
        if (rec) timeLagMs = Math.max(0, now - Number(rec.timestamp));
      }
      partitions.push({
        topic,
        partition,
        committedOffset: c?.offset ?? null,
        logEndOffset: end,
        logStartOffset: low.get(topic)?.get(partition) ?? '0',
        lag,
        timeLagMs,
        memberId: owner.get(`${topic}/${partition}`) ?? null,
        metadata: c?.metadata ?? null,
      });
    }
  }
  return {
    groupId,
    state: toState(g.state),
    protocolType: g.protocolType,
    protocol: g.protocol,
    members,
    partitions,
    totalLag: partitions.reduce((n, p) => n + (p.lag ?? 0), 0),
  };
}

export async function deleteGroup(adapter: KafkaAdapter, groupId: string): Promise<void> {
  const g = await describe(adapter, groupId);
  if (g.members.length > 0) throw new ContractError('GROUP_NOT_EMPTY', `Group "${groupId}" has ${g.members.length} active member(s); stop them first`);
  await adapter.run('DeleteGroups', async () => (await adapter.admin()).deleteGroups([groupId]));
}

const clamp = (v: bigint, lo: bigint, hi: bigint) => (v < lo ? lo : v > hi ? hi : v);

export async function resetOffsets(
  adapter: KafkaAdapter,
  input: MethodParsedInput<'groups.resetOffsets'>,
): Promise<MethodOutput<'groups.resetOffsets'>> {
  const req: Array<{ topic: string; partitions: number[] }> = [];
  for (const t of input.topics) {
    const meta = await topicMeta(adapter, t.topic);
    const all = meta.partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b);
    const chosen = t.partitions ?? all;
    for (const p of chosen) if (!all.includes(p)) throw new ContractError('NOT_FOUND', `Partition ${p} of "${t.topic}" does not exist`);
    req.push({ topic: t.topic, partitions: chosen });
  }
  const [low, high, current] = await Promise.all([
    adapter.offsets(req, 'earliest'),
    adapter.offsets(req, 'latest'),
    committedOffsets(adapter, input.groupId),
  ]);
  const s = input.strategy;
  const byTime = s.kind === 'timestamp' ? await adapter.offsets(req, { timestamp: s.timestamp }) : null;
  const other = s.kind === 'group' ? await committedOffsets(adapter, s.groupId) : null;

  const rows: ResetPlanRow[] = [];
  for (const { topic, partitions } of req) {
    for (const partition of partitions) {
      const lo = BigInt(low.get(topic)?.get(partition) ?? '0');
      const hi = BigInt(high.get(topic)?.get(partition) ?? '0');
      const before = current.get(topic)?.get(partition)?.offset ?? null;
      let after: bigint;
      switch (s.kind) {
        case 'earliest': after = lo; break;
        case 'latest': after = hi; break;
        case 'offset': after = clamp(BigInt(s.offset), lo, hi); break;
        case 'timestamp': {
          const found = BigInt(byTime!.get(topic)?.get(partition) ?? '-1');
          // -1: no message at or after the time, so the group starts at the end.
          after = found < 0n ? hi : clamp(found, lo, hi);
          break;
        }
        case 'shift': after = clamp(BigInt(before ?? lo.toString()) + BigInt(s.by), lo, hi); break;
        case 'group': {
          const theirs = other!.get(topic)?.get(partition)?.offset;
          if (theirs === undefined) throw new ContractError('NOT_FOUND', `Group "${s.groupId}" has no committed offset for ${topic}/${partition}`);
          after = clamp(BigInt(theirs), lo, hi);
          break;
        }
      }
      rows.push({ topic, partition, before, after: after.toString(), logStartOffset: lo.toString(), logEndOffset: hi.toString() });
    }
  }
  if (input.dryRun) return { applied: false, rows };

  const g = await describe(adapter, input.groupId);
  if (g.members.length > 0 || (g.state !== 'Empty' && g.state !== 'Dead')) {
    throw new ContractError(
      'GROUP_NOT_EMPTY',
      `Group "${input.groupId}" is ${g.state} with ${g.members.length} active member(s); offsets can only be reset while it has none`,
      { state: g.state, members: g.members.length },
    );
  }
  await adapter.run('OffsetCommit', async () => {
    const raw = await adapter.raw();
    const coordinator = await raw.findGroupCoordinator({ groupId: input.groupId });
    const res = await coordinator.offsetCommit({
      groupId: input.groupId,
      groupGenerationId: -1,
      memberId: '',
      topics: req.map(({ topic }) => ({
        topic,
        partitions: rows.filter((r) => r.topic === topic).map((r) => ({ partition: r.partition, offset: r.after })),
      })),
    });
    const failed = res.responses.flatMap((t) => t.partitions.filter((p) => p.errorCode !== 0).map((p) => ({ topic: t.topic, ...p })));
    if (failed.length > 0) throw new ContractError('KAFKA_ERROR', `Offset commit failed for ${failed.length} partition(s)`, failed);
  });
  return { applied: true, rows };
}
