// Registers snappy, lz4 and zstd with kafkajs once per process, so every adapter can read and
// write batches compressed by any Kafka client. kafkajs ships only gzip.
import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';

// kafkajs is CommonJS; Node's ESM loader cannot see all of its named exports.
const { CompressionCodecs, CompressionTypes } = kafkajs;

const require = createRequire(import.meta.url);

// @bokuweb/zstd-wasm breaks if init() runs twice in one process, and an in-process sandbox
// initialises it too: both sides share one init through this process-wide symbol (the same key
// the broker uses), without the console importing embedded-broker/.
const ZSTD_INIT_KEY = Symbol.for('keel.zstd-wasm.init');
function initZstdWasmOnce(pkg: { init(): Promise<void> }): Promise<void> {
  const holder = globalThis as unknown as Record<symbol, Promise<void> | undefined>;
  holder[ZSTD_INIT_KEY] ??= pkg.init();
  return holder[ZSTD_INIT_KEY]!;
}
let registered: Promise<void> | null = null;

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

export function registerCompressionCodecs(): Promise<void> {
  registered ??= (async () => {
    const snappy = require('snappy') as typeof import('snappy');
    const lz4 = require('lz4-napi') as typeof import('lz4-napi');
    // A wasm build: installs without scripts or downloads; needs a one-time async init.
    const zstd = require('@bokuweb/zstd-wasm') as {
      init(): Promise<void>;
      compress(data: Uint8Array, level?: number): Uint8Array;
      decompress(data: Uint8Array): Uint8Array;
    };
    await initZstdWasmOnce(zstd);

    const snappyCodec: Codec = {
      // Kafka's Java client writes xerial-framed snappy; raw snappy is what kafkajs' own
      // codec family writes and what librdkafka and Java both accept on read.
      compress: async (encoder) => snappy.compressSync(encoder.buffer),
      decompress: async (buffer) => decodeSnappy(snappy, buffer),
    };
    const lz4Codec: Codec = {
      // Kafka's LZ4 is the LZ4 frame format.
      compress: async (encoder) => lz4.compressFrame(encoder.buffer),
      decompress: async (buffer) => lz4.decompressFrame(buffer),
    };
    const zstdCodec: Codec = {
      compress: async (encoder) => Buffer.from(zstd.compress(encoder.buffer, 3)),
      decompress: async (buffer) => Buffer.from(zstd.decompress(buffer)),
    };
    const codecs = CompressionCodecs as unknown as Record<number, () => Codec>;
    codecs[CompressionTypes.Snappy] = () => snappyCodec;
    codecs[CompressionTypes.LZ4] = () => lz4Codec;
    codecs[CompressionTypes.ZSTD] = () => zstdCodec;
  })();
  return registered;
}

// The Java client frames snappy the xerial way: a 16-byte header, then [length][chunk]...
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

function decodeSnappy(snappy: typeof import('snappy'), buffer: Buffer): Buffer {
  if (buffer.length >= 16 && buffer.subarray(0, 8).equals(XERIAL_MAGIC)) {
    const chunks: Buffer[] = [];
    let pos = 16;
    while (pos + 4 <= buffer.length) {
      const size = buffer.readUInt32BE(pos);
      pos += 4;
      chunks.push(snappy.uncompressSync(buffer.subarray(pos, pos + size)) as Buffer);
      pos += size;
    }
    return Buffer.concat(chunks);
  }
  return snappy.uncompressSync(buffer) as Buffer;
}
