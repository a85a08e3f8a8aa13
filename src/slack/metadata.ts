import type { z } from 'zod';

/** Typed private_metadata: parse with the view's schema, never trust it blindly. */
export function readMetadata<T extends z.ZodType>(schema: T, raw: string | undefined): z.infer<T> {
  let json: unknown;
  try {
    json = raw ? JSON.parse(raw) : {};
  } catch {
    json = {};
  }
  return schema.parse(json);
}

export const writeMetadata = (value: unknown) => JSON.stringify(value);
