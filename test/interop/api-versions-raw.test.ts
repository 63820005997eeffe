// librdkafka opens every connection with ApiVersions v3 and, when the broker answers
// UNSUPPORTED_VERSION, retries with v0. kcat never sees that path against Keel (we speak
// v0-4), so it is exercised here over a raw socket: a v5 request, flexible header and all,
// must get the v0-form UNSUPPORTED_VERSION answer listing our APIs, and the connection must
// stay usable for the v3 retry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { decodeResponseFrame } from '../../embedded-broker/protocol/frame.js';
import { supportedApis } from '../../embedded-broker/apis/api-table.js';

const API_VERSIONS = 18;
const UNSUPPORTED_VERSION = 35;

/** ApiVersions at a version our codec does not know: header v2 and a v3-shaped body, by hand. */
function apiVersionsFrame(version: number, correlationId: number): Buffer {
  const clientId = Buffer.from('keel-raw');
  const compact = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s) + 1]), Buffer.from(s)]);
  const head = Buffer.alloc(2 + 2 + 4 + 2);
  head.writeInt16BE(API_VERSIONS, 0);
  head.writeInt16BE(version, 2);
  head.writeInt32BE(correlationId, 4);
  head.writeInt16BE(clientId.length, 8);
  const body = Buffer.concat([
    head,
    clientId,
    Buffer.from([0]), // header tagged fields
    compact('keel-interop'), // client_software_name
    compact('1.0.0'), // client_software_version
    Buffer.from([0]), // body tagged fields
  ]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

describe('ApiVersions negotiation over a raw socket', () => {
  let cluster: TestCluster;
  const ourApis = () => supportedApis().map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('answers a version above our range in v0 form with UNSUPPORTED_VERSION and our API list, then serves v3', async () => {
    const client = await RawClient.connectTo(cluster.bootstrap[0]!);
    try {
      client.writeRaw(apiVersionsFrame(5, 77));
      const frame = await client.readFrame();
      // v0 form: response header v0, error code, int32-counted array, nothing after it.
      const v0 = decodeResponseFrame(API_VERSIONS, 0, frame);
      expect(v0.correlationId).toBe(77);
      expect(v0.body.errorCode).toBe(UNSUPPORTED_VERSION);
      expect(v0.body.apiKeys).toEqual(ourApis());
      expect(frame.length).toBe(4 + 2 + 4 + 6 * ourApis().length);
      const av = v0.body.apiKeys.find((a: { apiKey: number }) => a.apiKey === API_VERSIONS);
      expect(av).toEqual({ apiKey: API_VERSIONS, minVersion: 0, maxVersion: 4 });

      // The retry on the same connection (librdkafka retries with the max we listed, capped at its own v3).
      const v3 = await client.request(API_VERSIONS, 3, { clientSoftwareName: 'keel-interop', clientSoftwareVersion: '1.0.0' });
      expect(v3.errorCode).toBe(0);
      expect(v3.apiKeys.map((a: any) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion }))).toEqual(ourApis());
      expect(client.closed).toBe(false);
    } finally {
      client.close();
    }
  });

  it('answers pipelined v0, v3 and v5 requests in order on one connection', async () => {
    const client = await RawClient.connectTo(cluster.bootstrap[1]!);
    try {
      const id0 = client.send(API_VERSIONS, 0, {});
      client.writeRaw(apiVersionsFrame(9, 1000));
      const id3 = client.send(API_VERSIONS, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
      const first = decodeResponseFrame(API_VERSIONS, 0, await client.readFrame());
      const second = decodeResponseFrame(API_VERSIONS, 0, await client.readFrame());
      const third = decodeResponseFrame(API_VERSIONS, 3, await client.readFrame());
      expect([first.correlationId, second.correlationId, third.correlationId]).toEqual([id0, 1000, id3]);
      expect([first.body.errorCode, second.body.errorCode, third.body.errorCode]).toEqual([0, UNSUPPORTED_VERSION, 0]);
      expect(first.body.apiKeys).toEqual(ourApis());
    } finally {
      client.close();
    }
  });

  it('serves v4 (the top of our range) with the flexible v3+ body', async () => {
    const client = await RawClient.connectTo(cluster.bootstrap[2]!);
    try {
      const v4 = await client.request(API_VERSIONS, 4, { clientSoftwareName: 'keel-interop', clientSoftwareVersion: '1.0.0' });
      expect(v4.errorCode).toBe(0);
      expect(v4.apiKeys.length).toBe(ourApis().length);
    } finally {
      client.close();
    }
  });
});
