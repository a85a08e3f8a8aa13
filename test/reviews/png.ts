// Reads a PNG back with pngjs (which checks every chunk's CRC), and compares two images pixel by pixel.
import { PNG } from 'pngjs';

export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** Chunk types in file order. */
  chunks: string[];
  /** RGBA pixels, row by row. */
  pixels: Buffer;
}

export function decodePng(bytes: Buffer): DecodedPng {
  const png = PNG.sync.read(bytes);
  const chunks: string[] = [];
  for (let at = 8; at + 8 <= bytes.length; at += 12 + bytes.readUInt32BE(at)) chunks.push(bytes.toString('ascii', at + 4, at + 8));
  return { width: png.width, height: png.height, bitDepth: png.depth, colorType: png.colorType, chunks, pixels: png.data };
}

/** Distinct colours in an RGBA image (how much was drawn). */
export function colours(p: DecodedPng): number {
  const seen = new Set<number>();
  for (let i = 0; i < p.pixels.length; i += 4) seen.add(p.pixels.readUInt32BE(i));
  return seen.size;
}

/** Pixels whose colour differs from the other image's by more than `threshold` in any channel (same size required). */
export function differingPixels(a: DecodedPng, b: DecodedPng, threshold = 48): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`sizes differ: ${a.width}×${a.height} and ${b.width}×${b.height}`);
  let count = 0;
  for (let i = 0; i < a.pixels.length; i += 4) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs(a.pixels[i + c]! - b.pixels[i + c]!) > threshold) {
        count++;
        break;
      }
    }
  }
  return count;
}

/** Pixels of a region that are not near-white (ink), for "something was drawn here" checks. */
export function inkIn(p: DecodedPng, x0: number, y0: number, x1: number, y1: number): number {
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * p.width + x) * 4;
      if (p.pixels[i]! < 200 || p.pixels[i + 1]! < 200 || p.pixels[i + 2]! < 200) count++;
    }
  }
  return count;
}
