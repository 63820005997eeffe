import { describe, expect, it } from 'vitest';
import { ApiKeys, decodeRequestBody, encodeRequestBody } from '../../embedded-broker/protocol/codec.js';
import { decodeResponseFrame, encodeRequestFrame, encodeResponseFrame } from '../../embedded-broker/protocol/frame.js';
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../embedded-broker/protocol/headers.js';
import { Reader } from '../../embedded-broker/protocol/primitives.js';
import { Writer } from '../../embedded-broker/protocol/writer.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('header versions', () => {
  it('follows the flexible versions of each api', () => {
    expect(requestHeaderVersion(ApiKeys.Metadata, 8)).toBe(1);
    expect(requestHeaderVersion(ApiKeys.Metadata, 9)).toBe(2);
    expect(requestHeaderVersion(ApiKeys.ControlledShutdown, 0)).toBe(0);
    expect(requestHeaderVersion(ApiKeys.ControlledShutdown, 1)).toBe(1);
    expect(requestHeaderVersion(ApiKeys.ApiVersions, 3)).toBe(2);
    expect(responseHeaderVersion(ApiKeys.Metadata, 9)).toBe(1);
    expect(responseHeaderVersion(ApiKeys.Metadata, 8)).toBe(0);
    expect(responseHeaderVersion(ApiKeys.ApiVersions, 3)).toBe(0);
    expect(requestHeaderVersion(9999, 5)).toBe(1);
  });
});

describe('request headers', () => {
  it('v0: no client id', () => {
    const r = new Reader(hex('0007 0000 0000002a'));
    expect(decodeRequestHeader(r)).toEqual({ apiKey: 7, apiVersion: 0, correlationId: 42, clientId: null, headerVersion: 0 });
    expect(r.remaining).toBe(0);
  });

  it('v1: classic nullable client id', () => {
    const bytes = hex('0003 0001 00000005 0003 6b6a73');
    const h = decodeRequestHeader(new Reader(bytes));
    expect(h).toEqual({ apiKey: 3, apiVersion: 1, correlationId: 5, clientId: 'kjs', headerVersion: 1 });
    const w = new Writer();
    encodeRequestHeader(w, h);
    expect(w.toBuffer().equals(bytes)).toBe(true);
    expect(decodeRequestHeader(new Reader(hex('0003 0001 00000005 ffff'))).clientId).toBeNull();
  });

  it('v2: client id stays classic, tagged fields follow and are skipped', () => {
    // Metadata v12, client id "rdkafka", one unknown tagged field (tag 5, 2 bytes).
    const bytes = hex('0003 000c 00000009 0007 72646b61666b61 01 05 02 abcd');
    const r = new Reader(bytes);
    expect(decodeRequestHeader(r)).toEqual({ apiKey: 3, apiVersion: 12, correlationId: 9, clientId: 'rdkafka', headerVersion: 2 });
    expect(r.remaining).toBe(0);
  });

  it('ApiVersions v3 as librdkafka sends it: flexible header, then a flexible body', () => {
    const frame = encodeRequestFrame(ApiKeys.ApiVersions, 3, 1, 'rdkafka', {
      clientSoftwareName: 'librdkafka',
      clientSoftwareVersion: '2.0.2',
    });
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    const r = new Reader(frame, 4);
    const h = decodeRequestHeader(r);
    expect(h).toMatchObject({ apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'rdkafka', headerVersion: 2 });
    expect(decodeRequestBody(18, 3, r)).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
    expect(r.remaining).toBe(0);
  });

  it('still parses headers of versions above the schema max and of unknown api keys', () => {
    // ApiVersions v99: flexible by flexibleFrom (3+), so tagged fields are read.
    const future = new Reader(hex('0012 0063 00000003 ffff 00 0a0b'));
    expect(decodeRequestHeader(future)).toMatchObject({ apiKey: 18, apiVersion: 99, correlationId: 3, headerVersion: 2 });
    expect(future.remaining).toBe(2);
    const unknown = new Reader(hex('7fff 0001 00000004 0001 78 deadbeef'));
    expect(decodeRequestHeader(unknown)).toEqual({ apiKey: 32767, apiVersion: 1, correlationId: 4, clientId: 'x', headerVersion: 1 });
    expect(unknown.remaining).toBe(4);
  });
});

describe('response headers and frames', () => {
  it('v0 and v1', () => {
    const w0 = new Writer();
    encodeResponseHeader(w0, 77, 0);
    expect(w0.toBuffer().toString('hex')).toBe('0000004d');
    const w1 = new Writer();
    encodeResponseHeader(w1, 77, 1);
    expect(w1.toBuffer().toString('hex')).toBe('0000004d00');
    expect(decodeResponseHeader(new Reader(hex('0000004d 01 00 01 ff')), 1)).toEqual({ correlationId: 77 });
  });

  it('response frames carry the size first and keep record data by reference', () => {
    const records = Buffer.alloc(4096, 1);
    const chunks = encodeResponseFrame(ApiKeys.Fetch, 12, 8, {
      responses: [{ topic: 't', partitions: [{ partitionIndex: 0, highWatermark: 10, records }] }],
    });
    expect(chunks.some((c) => c === records)).toBe(true);
    const whole = Buffer.concat(chunks);
    expect(whole.readInt32BE(0)).toBe(whole.length - 4);
    const { correlationId, body } = decodeResponseFrame(ApiKeys.Fetch, 12, whole.subarray(4));
    expect(correlationId).toBe(8);
    expect(body.responses[0].partitions[0].records.equals(records)).toBe(true);
    expect(body.responses[0].partitions[0].highWatermark).toBe(10);
  });

  it('ApiVersions v3 responses use header v0 even though the body is flexible', () => {
    const chunks = encodeResponseFrame(ApiKeys.ApiVersions, 3, 2, { apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }] });
    const whole = Buffer.concat(chunks).subarray(4);
    // correlation id, then error code right away: no tagged-field byte in between.
    expect(whole.subarray(0, 6).toString('hex')).toBe('000000020000');
    expect(decodeResponseFrame(ApiKeys.ApiVersions, 3, whole).body.apiKeys).toEqual([{ apiKey: 0, minVersion: 0, maxVersion: 9 }]);
  });

  it('request frames round-trip through encodeRequestBody', () => {
    const frame = encodeRequestFrame(ApiKeys.Metadata, 1, 3, null, { topics: null });
    const r = new Reader(frame, 4);
    expect(decodeRequestHeader(r)).toMatchObject({ apiKey: 3, apiVersion: 1, clientId: null });
    const body = decodeRequestBody(3, 1, r);
    expect(body.topics).toBeNull();
    const w = new Writer();
    encodeRequestBody(3, 1, body, w);
    expect(w.toBuffer().equals(frame.subarray(r.position - w.length))).toBe(true);
  });
});
