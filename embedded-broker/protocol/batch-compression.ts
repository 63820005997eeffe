// Decompression of record-batch bodies for the four codecs Kafka uses. The broker stores
// batches as sent and never needs this on the produce path; tests, the timestamp scan of
// compressed batches and the console's decoders do.
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { initZstdWasmOnce } from './zstd-wasm-init.js';

export const COMPRESSION_NONE = 0;
export const COMPRESSION_GZIP = 1;
export const COMPRESSION_SNAPPY = 2;
export const COMPRESSION_LZ4 = 3;
export const COMPRESSION_ZSTD = 4;

const gunzip = promisify(zlib.gunzip);
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]); // "\x82SNAPPY\0"
const XERIAL_HEADER_SIZE = 16; // magic + version int32 + compatible version int32

const requireOptional = createRequire(import.meta.url);

function loadOptional<T>(name: string): T | null {
  try {
    return requireOptional(name) as T;
  } catch {
    return null;
  }
}

async function snappyDecompress(data: Buffer): Promise<Buffer> {
  const snappy = loadOptional<typeof import('snappy')>('snappy');
  if (!snappy) throw new Error('snappy decoding not available');
  const block = (b: Buffer): Buffer => snappy.uncompressSync(b, { asBuffer: true }) as Buffer;
  if (data.length >= XERIAL_HEADER_SIZE && data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    // Kafka's Java clients use xerial snappy-java framing: header, then (int32 length, block)*.
    const parts: Buffer[] = [];
    let pos = XERIAL_HEADER_SIZE;
    while (pos < data.length) {
      if (pos + 4 > data.length) throw new Error('truncated xerial snappy block length');
      const len = data.readInt32BE(pos);
      pos += 4;
      if (len < 0 || pos + len > data.length) throw new Error('truncated xerial snappy block');
      parts.push(block(data.subarray(pos, pos + len)));
      pos += len;
    }
    return Buffer.concat(parts);
  }
  return block(data);
}

async function lz4Decompress(data: Buffer): Promise<Buffer> {
  const lz4 = loadOptional<typeof import('lz4-napi')>('lz4-napi');
  if (!lz4) throw new Error('lz4 decoding not available');
  return lz4.decompressFrameSync(data);
}

type ZstdSync = (b: Buffer) => Buffer;
interface ZstdWasm {
  init(): Promise<void>;
  decompress(buf: Uint8Array, opts?: { defaultHeapSize?: number }): Uint8Array;
}
let zstdWasmReady: Promise<ZstdWasm | null> | null = null;

async function zstdDecompress(data: Buffer): Promise<Buffer> {
  // Node >= 22.15 ships zstd in zlib; on Node 20 use the wasm build the project depends on.
  const native = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;
  if (typeof native === 'function') return native(data);
  zstdWasmReady ??= (async () => {
    const pkg = loadOptional<ZstdWasm>('@bokuweb/zstd-wasm');
    if (!pkg) return null;
    await initZstdWasmOnce(pkg);
    return pkg;
  })();
  const zstd = await zstdWasmReady;
  if (!zstd) throw new Error('zstd decoding not available');
  // Frames without a content size need a guessed output capacity: grow it until it fits.
  let lastError: unknown;
  for (let cap = 1 << 20; cap <= 1 << 28; cap *= 8) {
    try {
      const out = zstd.decompress(data, { defaultHeapSize: cap });
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`zstd decoding failed: ${(lastError as Error)?.message ?? 'unknown error'}`);
}

export async function decompress(codec: number, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case COMPRESSION_NONE: return data;
    case COMPRESSION_GZIP: return gunzip(data);
    case COMPRESSION_SNAPPY: return snappyDecompress(data);
    case COMPRESSION_LZ4: return lz4Decompress(data);
    case COMPRESSION_ZSTD: return zstdDecompress(data);
    default: throw new Error(`unknown compression codec ${codec}`);
  }
}

