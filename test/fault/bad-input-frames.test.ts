// Bad frames on the wire: oversized, negative, truncated and malformed frames, unknown API keys
// and versions. Each case asserts what Kafka does (an error answer, or closing the connection)
// and then that the broker still serves a second, well-behaved client and lost nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeResponseFrame, encodeRequestFrame } from '../../embedded-broker/protocol/frame.js';
import {
  UNKNOWN_TOPIC_OR_PARTITION,
  MESSAGE_TOO_LARGE,
  UNSUPPORTED_VERSION,
  MAX_REQUEST_BYTES,
  SMALL,
  int32,
  rawFrame,
  connect,
  request,
  expectClosedWithoutResponse,
  expectBrokerHealthy,
  leaderOf,
  batch,
  startBadInputCluster,
  stopBadInputCluster,
} from './bad-input-kit.js';

beforeAll(startBadInputCluster);
afterAll(stopBadInputCluster);

describe('framing and headers', () => {
  it('refuses a frame larger than socket.request.max.bytes from its size prefix alone', async () => {
    const client = await connect();
    // Only the size and a few bytes: the broker must not wait for (or buffer) the body.
    client.writeRaw(Buffer.concat([int32(MAX_REQUEST_BYTES + 1), Buffer.from([0, 3, 0, 1])]));
    await expectClosedWithoutResponse(client);
    await expectBrokerHealthy();
  });

  it('accepts a frame of exactly socket.request.max.bytes (the limit is inclusive) and answers it', async () => {
    // A Produce to the 1 KiB topic padded to exactly the limit: the answer (MESSAGE_TOO_LARGE) proves it was read and parsed.
    const leader = await leaderOf(SMALL);
    const build = (valueSize: number) =>
      encodeRequestFrame(0, 7, 99, 'bad-input', { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: SMALL, partitionData: [{ index: 0, records: batch(Buffer.alloc(valueSize, 0x62)) }] }] });
    let valueSize = MAX_REQUEST_BYTES - 200;
    let frame = build(valueSize);
    for (let i = 0; i < 5 && frame.length - 4 !== MAX_REQUEST_BYTES; i++) {
      valueSize += MAX_REQUEST_BYTES - (frame.length - 4);
      frame = build(valueSize);
    }
    expect(frame.length - 4).toBe(MAX_REQUEST_BYTES);
    const client = await connect(leader);
    client.writeRaw(frame);
    const { correlationId, body } = decodeResponseFrame(0, 7, await client.readFrame());
    expect(correlationId).toBe(99);
    expect(body.responses[0].partitionResponses[0].errorCode).toBe(MESSAGE_TOO_LARGE);
    client.close();
    // One byte more is refused outright.
    const tooBig = await connect(leader);
    const bigger = build(valueSize + 1);
    expect(bigger.length - 4).toBe(MAX_REQUEST_BYTES + 1);
    tooBig.writeRaw(bigger);
    await expectClosedWithoutResponse(tooBig);
    await expectBrokerHealthy();
  });

  it('closes the connection on a negative frame size', async () => {
    const client = await connect();
    client.writeRaw(int32(-5));
    await expectClosedWithoutResponse(client);
    await expectBrokerHealthy();
  });

  it('closes the connection on a truncated request header', async () => {
    const client = await connect();
    client.writeRaw(Buffer.concat([int32(3), Buffer.from([0, 3, 0])]));
    await expectClosedWithoutResponse(client);
    const client2 = await connect();
    // api key, version, correlation id, then a client id length that runs past the frame
    const h = Buffer.alloc(10);
    h.writeInt16BE(3, 0);
    h.writeInt16BE(1, 2);
    h.writeInt32BE(7, 4);
    h.writeInt16BE(500, 8);
    client2.writeRaw(Buffer.concat([int32(h.length), h]));
    await expectClosedWithoutResponse(client2);
    await expectBrokerHealthy();
  });

  it('closes the connection on a malformed body after a valid header', async () => {
    const client = await connect();
    // Metadata v1 with a topic array claiming 2^31-1 entries.
    client.writeRaw(rawFrame(3, 1, Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 1, 0x41])));
    await expectClosedWithoutResponse(client);
    const client2 = await connect();
    // Produce v7 whose record set length runs past the frame.
    client2.writeRaw(rawFrame(0, 7, Buffer.concat([Buffer.from([0xff, 0xff, 0, 1]), int32(1000), int32(1), Buffer.from([0, 1, 0x61]), int32(1), int32(0), int32(100000), Buffer.alloc(10)])));
    await expectClosedWithoutResponse(client2);
    await expectBrokerHealthy();
  });

  it('refuses a request of more array elements than the per-request limit instead of decoding them all', async () => {
    // Metadata v9 with 500k empty topic names in 1 MB: each would become an object and an error
    // answer (this took ~9 s of event-loop time and grew with the frame: 16 MB → 1.4 GB of heap).
    const n = 500_000;
    const count: number[] = [];
    for (let v = n + 1; ; v = Math.floor(v / 128)) {
      if (v < 0x80) { count.push(v); break; }
      count.push((v & 0x7f) | 0x80);
    }
    const body = Buffer.concat([Buffer.from(count), Buffer.alloc(n * 2).fill(Buffer.from([1, 0])), Buffer.from([1, 0, 0, 0])]);
    const client = await connect();
    const started = Date.now();
    client.writeRaw(rawFrame(3, 9, body, true));
    await expectClosedWithoutResponse(client);
    expect(Date.now() - started).toBeLessThan(2000);
    // A big but ordinary request (Metadata for 10,000 topic names) is still answered.
    const many = await request(3, 1, { topics: Array.from({ length: 10_000 }, (_, i) => ({ name: `missing-${i}` })) });
    expect(many.topics).toHaveLength(10_000);
    expect(many.topics[0].errorCode).toBe(UNKNOWN_TOPIC_OR_PARTITION);
    await expectBrokerHealthy();
  });

  it('closes the connection on an unknown API key', async () => {
    const client = await connect();
    client.writeRaw(rawFrame(9999, 0, Buffer.alloc(0)));
    await expectClosedWithoutResponse(client);
    const client2 = await connect();
    client2.writeRaw(rawFrame(-1, 0, Buffer.alloc(0)));
    await expectClosedWithoutResponse(client2);
    await expectBrokerHealthy();
  });

  it('closes the connection on an unsupported Metadata version', async () => {
    const client = await connect();
    client.writeRaw(rawFrame(3, 99, Buffer.from([1, 0]), true));
    await expectClosedWithoutResponse(client);
    await expectBrokerHealthy();
  });

  it('answers ApiVersions v99 with UNSUPPORTED_VERSION in v0 form, listing what it supports', async () => {
    const client = await connect();
    // Flexible header (v2): client id, then an empty tagged-field section; the body is v3-shaped.
    client.writeRaw(rawFrame(18, 99, Buffer.from([0, 1, 0, 1, 0, 0]), true));
    const frame = await client.readFrame();
    const { correlationId, body } = decodeResponseFrame(18, 0, frame);
    expect(correlationId).toBe(4242);
    expect(body.errorCode).toBe(UNSUPPORTED_VERSION);
    expect(body.apiKeys.find((k: any) => k.apiKey === 18)).toMatchObject({ minVersion: 0 });
    expect(body.apiKeys.find((k: any) => k.apiKey === 3)).toBeTruthy();
    // The connection stays usable: a supported version now gets a normal answer.
    const ok = await client.request(18, 0, {});
    expect(ok.errorCode).toBe(0);
    client.close();
    await expectBrokerHealthy();
  });
});
