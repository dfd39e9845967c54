import { crc32, deflateSync } from 'node:zlib';

// Sample images the emulator serves itself, so the chat page and seeded conversations can show real
// pictures offline. Generated (a two-colour gradient per image) instead of shipped as binaries.

const palette: Record<
  string,
  { from: [number, number, number]; to: [number, number, number]; label: string }
> = {
  sunset: { from: [255, 138, 76], to: [142, 68, 173], label: 'Sunset' },
  ocean: { from: [72, 202, 228], to: [2, 62, 138], label: 'Ocean' },
  forest: { from: [168, 224, 99], to: [19, 78, 94], label: 'Forest' },
  'damaged-box': { from: [214, 170, 120], to: [120, 80, 40], label: 'Damaged box' },
  receipt: { from: [250, 250, 250], to: [190, 190, 200], label: 'Receipt' },
  avatar: { from: [180, 190, 210], to: [90, 100, 130], label: 'Avatar' },
};

/** The names of the built-in sample images (served at `/samples/{name}.png`). */
export const sampleImageNames = Object.freeze(Object.keys(palette));

const cache = new Map<string, Buffer>();

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** The PNG bytes of a sample image, or undefined for an unknown name. */
export function sampleImage(name: string): Buffer | undefined {
  const colours = palette[name];
  if (!colours) return undefined;
  const cached = cache.get(name);
  if (cached) return cached;
  const width = 240;
  const height = 160;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter type: none
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      for (let c = 0; c < 3; c++) {
        raw[row + 1 + x * 3 + c] = Math.round(colours.from[c]! * (1 - t) + colours.to[c]! * t);
      }
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  cache.set(name, png);
  return png;
}

export function sampleLabel(name: string): string {
  return palette[name]?.label ?? name;
}
