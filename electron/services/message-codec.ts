// Turns record bytes into what the UI shows (and strings from the produce form into bytes).
import type { Decoded, Encoding, MessageView } from '../contract/index.js';
import type { RawRecord } from './kafka-adapter.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8Text(buf: Buffer): string | null {
  try {
    const s = utf8.decode(buf);
    // Control characters other than whitespace mean "binary" to a person reading it.
    return /[\u0000-\u0008\u000e-\u001f]/.test(s) ? null : s;
  } catch {
    return null;
  }
}

export function decodeBytes(buf: Buffer | null | undefined, encoding: Encoding, maxBytes: number): Decoded | null {
  if (buf === null || buf === undefined) return null;
  const size = buf.length;
  const truncated = size > maxBytes;
  const shown = truncated ? buf.subarray(0, maxBytes) : buf;
  const pick = (enc: Decoded['encoding'], text: string): Decoded => ({ encoding: enc, text, sizeBytes: size, truncated });
  switch (encoding) {
    case 'hex':
      return pick('hex', shown.toString('hex'));
    case 'base64':
      return pick('base64', shown.toString('base64'));
    case 'text':
      return pick('text', shown.toString('utf8'));
    case 'json':
    case 'auto': {
      const text = isUtf8Text(shown);
      if (text === null) return encoding === 'json' ? pick('text', shown.toString('utf8')) : pick('hex', shown.toString('hex'));
      if (!truncated) {
        const trimmed = text.trim();
        if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && isJson(trimmed)) return pick('json', text);
      }
      return pick('text', text);
    }
  }
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

export function headerEntries(headers: RawRecord['headers']): Array<{ key: string; value: Buffer | null }> {
  const out: Array<{ key: string; value: Buffer | null }> = [];
  for (const [key, v] of Object.entries(headers ?? {})) {
    if (Array.isArray(v)) for (const one of v) out.push({ key, value: one ?? null });
    else out.push({ key, value: v ?? null });
  }
  return out;
}

export function toMessageView(
  partition: number,
  record: RawRecord,
  decode: { key: Encoding; value: Encoding; maxBytes: number },
): MessageView {
  return {
    partition,
    offset: String(record.offset),
    timestamp: Number(record.timestamp),
    key: decodeBytes(record.key, decode.key, decode.maxBytes),
    value: decodeBytes(record.value, decode.value, decode.maxBytes),
    headers: headerEntries(record.headers).map((h) => ({ key: h.key, value: decodeBytes(h.value, 'auto', decode.maxBytes) })),
  };
}

export function encodeString(s: string | null, encoding: 'text' | 'hex' | 'base64'): Buffer | null {
  if (s === null) return null;
  return Buffer.from(s, encoding === 'text' ? 'utf8' : encoding);
}
