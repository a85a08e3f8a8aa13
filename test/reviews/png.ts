// Reads a PNG back with node:zlib only: chunks, CRCs, IHDR and the inflated scanlines.
import { inflateSync } from 'node:zlib';
import { crc32 } from '../../src/modules/reviews/chart/png.js';

export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  chunks: string[];
  /** RGBA pixels, row by row (filter type 0 only, which is what our encoder writes). */
  pixels: Buffer;
}

export function decodePng(bytes: Buffer): DecodedPng {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes.subarray(0, 8).equals(signature)) throw new Error('not a PNG signature');
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let ihdr: Buffer | undefined;
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('ascii', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    const crc = bytes.readUInt32BE(at + 8 + length);
    if (crc !== crc32(bytes.subarray(at + 4, at + 8 + length))) throw new Error(`bad CRC in ${type}`);
    chunks.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  if (!ihdr) throw new Error('no IHDR');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4 + 1;
  if (raw.length !== height * stride) throw new Error(`scanlines: expected ${height * stride} bytes, got ${raw.length}`);
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    if (raw[y * stride] !== 0) throw new Error(`unsupported filter ${raw[y * stride]} on row ${y}`);
    raw.copy(pixels, y * width * 4, y * stride + 1, (y + 1) * stride);
  }
  return { width, height, bitDepth: ihdr[8]!, colorType: ihdr[9]!, chunks, pixels };
}

/** Distinct colours in an RGBA image (how much was drawn). */
export function colours(p: DecodedPng): number {
  const seen = new Set<number>();
  for (let i = 0; i < p.pixels.length; i += 4) seen.add(p.pixels.readUInt32BE(i));
  return seen.size;
}
