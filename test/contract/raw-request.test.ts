// Requests the console sends past kafkajs (raw-request.ts), through a kafkajs Broker stand-in:
// bodies are framed for kafkajs' request header v1 (plus the empty tagged-field section a
// flexible version's header v2 needs), decode with the broker's codec, and flexible responses
// have their header's tagged fields skipped. The batched offset fetch's own requests are
// exercised against a real cluster in snapshot-offset-fetch.test.ts.
import { describe, expect, it } from 'vitest';
import { decodeRequestBody, encodeResponseBody, Reader, Writer } from '../../embedded-broker/protocol/codec.js';
import type { FindCoordinatorResponse, OffsetFetchResponse } from '../../embedded-broker/protocol/generated/message-types.js';
import { sendRequest } from '../../electron/services/raw-request.js';

/** A stand-in that decodes the request as a broker would and answers `response`, framed as a broker frames it (minus the correlation id kafkajs strips). */
function broker(apiKey: number, flexible: boolean, response: object, seen: unknown[]) {
  return {
    connectionPool: {
      async send({ request, response: res }: any) {
        const r = new Reader((await request.encode()).buf);
        if (flexible) expect(r.readUVarint()).toBe(0); // request header v2's tagged fields
        seen.push(decodeRequestBody(apiKey, request.apiVersion, r));
        expect(r.remaining).toBe(0);
        const w = new Writer();
        if (flexible) w.writeUVarint(0); // response header v1's tagged fields
        encodeResponseBody(apiKey, request.apiVersion, response, w);
        return res.parse(await res.decode(w.toBuffer()));
      },
    },
  };
}

describe('sendRequest', () => {
  for (const version of [4, 5, 6]) {
    it(`FindCoordinator v${version}: batched group keys out, coordinators back`, async () => {
      const coordinators = [
        { key: 'a', nodeId: 2, host: '127.0.0.1', port: 9093, errorCode: 0, errorMessage: null },
        { key: 'ünï', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'No broker is running' },
      ];
      const seen: unknown[] = [];
      const keys = ['a', 'ünï', 'x'.repeat(300)];
      const res = await sendRequest<FindCoordinatorResponse>(broker(10, true, { throttleTimeMs: 3, coordinators }, seen), { apiKey: 10, apiName: 'FindCoordinator', version, body: { keyType: 0, coordinatorKeys: keys } });
      expect(seen[0]).toMatchObject({ keyType: 0, coordinatorKeys: keys });
      expect(res.coordinators).toEqual(coordinators);
    });
  }

  for (const version of [8, 9]) {
    it(`OffsetFetch v${version}: every offset of many groups, offsets past 2^32 back`, async () => {
      const groups = [{ groupId: 'g1', errorCode: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 5, committedOffset: 2 ** 40 + 3, committedLeaderEpoch: 4, metadata: null, errorCode: 0 }] }] }];
      const ids = Array.from({ length: 130 }, (_, i) => `group-${i}`); // past one varint byte
      const seen: any[] = [];
      const body = { groups: ids.map((groupId) => ({ groupId, memberId: null, memberEpoch: -1, topics: null })), requireStable: false };
      const res = await sendRequest<OffsetFetchResponse>(broker(9, true, { throttleTimeMs: 0, groups }, seen), { apiKey: 9, apiName: 'OffsetFetch', version, body });
      expect(seen[0].groups.map((g: { groupId: string; topics: unknown }) => [g.groupId, g.topics])).toEqual(ids.map((id) => [id, null]));
      expect(res.groups).toEqual(groups);
    });
  }

  it('refuses a truncated response instead of inventing values', async () => {
    const pool = {
      connectionPool: {
        async send({ response }: any) {
          const w = new Writer();
          w.writeUVarint(0);
          encodeResponseBody(10, 4, { throttleTimeMs: 0, coordinators: [{ key: 'a', nodeId: 1, host: 'h', port: 1, errorCode: 0, errorMessage: null }] }, w);
          const full = w.toBuffer();
          return response.parse(await response.decode(full.subarray(0, full.length - 4)));
        },
      },
    };
    await expect(sendRequest(pool, { apiKey: 10, apiName: 'FindCoordinator', version: 4, body: { keyType: 0, coordinatorKeys: ['a'] } })).rejects.toThrow();
  });
});
