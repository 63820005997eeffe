import { describe, expect, it } from 'vitest';
import { crc32c } from '@node-rs/crc32';

describe('toolchain', () => {
  it('computes CRC-32C with the native package', () => {
    // Known check value of CRC-32C for "123456789".
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});
