// Helpers for opsdesk.yml tests: build a file line by line and expect a refusal at a key path and line.
import { expect } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/config.js';

export const ENV = { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined };

export const yml = (...lines: string[]) => lines.join('\n') + '\n';

/** Asserts parseConfig refuses `text` with a one-line ConfigError naming `path` at `line`; returns the message. */
export function configError(text: string, path: string, line: number): string {
  let caught: unknown;
  try {
    parseConfig(text, ENV);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const message = (caught as ConfigError).message;
  expect(message).toContain(`opsdesk.yml:${line}: ${path}:`);
  expect(message).not.toContain('\n');
  return message;
}
