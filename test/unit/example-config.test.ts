// The shipped opsdesk.example.yml is valid and shows every documented top-level key.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { opsdeskSchema } from '../../src/config/opsdesk.schema.js';

const text = readFileSync(new URL('../../opsdesk.example.yml', import.meta.url), 'utf8');

describe('opsdesk.example.yml', () => {
  it('parses with every key of the schema present', () => {
    const config = parseConfig(text, { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined }, 'opsdesk.example.yml');
    expect(config.sla.customers['上海示例连锁超市']!.P3).toEqual({ responseMinutes: 60, resolutionMinutes: 480, calendar: 'business' });
    expect(config.oncall.rotations[0]!.name).toBe('primary');
    for (const key of Object.keys(opsdeskSchema.shape)) expect(text, key).toMatch(new RegExp(`^${key}:`, 'm'));
  });
});
