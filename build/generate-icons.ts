// `npm run icons`: every app icon from the one source, build/icon.svg. Needs Debian's
// rsvg-convert (apt-get install librsvg2-bin) only to regenerate; the outputs are committed,
// so building and packaging never need it. Writes build/icons/NxN.png (Linux icon set),
// build/icon.png (1024, macOS and the fallback) and build/icon.ico (Windows; PNG-in-ICO,
// written here because it is a 6-byte header and a 16-byte entry per size).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const source = path.join(dir, 'icon.svg');
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

function render(size: number): Buffer {
  try {
    return execFileSync('rsvg-convert', ['-w', String(size), '-h', String(size), '-f', 'png', source], { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    throw new Error(`rsvg-convert failed (apt-get install -y librsvg2-bin): ${(err as Error).message}`);
  }
}

export function ico(images: Array<{ size: number; png: Buffer }>): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  fs.mkdirSync(path.join(dir, 'icons'), { recursive: true });
  const pngs = new Map<number, Buffer>();
  for (const size of PNG_SIZES) {
    const png = render(size);
    pngs.set(size, png);
    fs.writeFileSync(path.join(dir, 'icons', `${size}x${size}.png`), png);
  }
  fs.writeFileSync(path.join(dir, 'icon.png'), pngs.get(1024)!);
  fs.writeFileSync(path.join(dir, 'icon.ico'), ico(ICO_SIZES.map((size) => ({ size, png: pngs.get(size)! }))));
  process.stdout.write(`icons written: ${PNG_SIZES.join(', ')} px, icon.png, icon.ico\n`);
}
