// Every user-visible error is a translated sentence (issue 15): the catalogue walked in both
// languages, and every message key the source throws or translates checked against it — the key
// exists in en and zh-CN, and every {placeholder} of its sentence is given by the call, so no user
// ever reads a raw key such as `review.no_channel` or a sentence with `{name}` left in it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../src/platform/i18n.js';

const root = new URL('../..', import.meta.url).pathname;
const EN = catalogue('en');
const ZH = catalogue('zh-CN');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** From `text[open]` (an opening bracket), the index just past its matching close; quotes and template literals skipped. */
function matchClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

/** The top-level comma-separated parts of a bracketed list (without its brackets). */
function topLevelParts(inner: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === "'" || c === '"' || c === '`' || c === '(' || c === '[' || c === '{') {
      i = (c === "'" || c === '"' || c === '`' ? skipQuote(inner, i) : matchClose(inner, i)) - 1;
      continue;
    }
    if (c === ',') {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

function skipQuote(text: string, at: number): number {
  const q = text[at]!;
  let i = at + 1;
  for (; i < text.length && text[i] !== q; i++) if (text[i] === '\\') i++;
  return i + 1;
}

/** The property names of an object literal's text, or undefined when it spreads another object (unknowable here). */
function propertyNames(objectText: string): Set<string> | undefined {
  const names = new Set<string>();
  for (const part of topLevelParts(objectText.trim().slice(1, -1))) {
    if (part.startsWith('...')) return undefined;
    const m = /^(?:'([^']+)'|"([^"]+)"|([\w$]+))\s*(?::|$)/.exec(part);
    if (m) names.add(m[1] ?? m[2] ?? m[3]!);
  }
  return names;
}

const KEY = /^[a-z][\w]*(?:\.[\w]+)+$/;
const placeholderNames = (template: string) => [...template.matchAll(/\{(\w+)(?:\|[\w.]+)?\}/g)].map((m) => m[1]!);

interface Site {
  where: string;
  keys: string[];
  /** The params given, or undefined when they are not an object literal (a variable, a spread). */
  params: Set<string> | undefined;
  /** The call passes a params argument that is not a literal: nothing to check. */
  opaque: boolean;
}

/** Every place the source names a message key for a user: errors thrown, field problems, and translations. */
function messageSites(): Site[] {
  const sites: Site[] = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const where = (index: number) => `${relative(root, file)}:${text.slice(0, index).split('\n').length}`;
    const literalKeys = (expr: string) => [...expr.matchAll(/'([^'\\]+)'/g)].map((m) => m[1]!).filter((k) => KEY.test(k));
    // Calls: new DomainError(kind, key, params?, field?), new UsageError(key, params?), tr(key, params?),
    // t(locale, key, params?), say(key, params?).
    const calls: [RegExp, number][] = [
      [/new DomainError\(/g, 1],
      [/new UsageError\(/g, 0],
      [/(?<![\w.])tr\(/g, 0],
      [/(?<![\w.])say\(/g, 0],
      [/(?<![\w.])t\((?=\s*(?:locale|c\.locale|'en'|'zh-CN'|l)\b)/g, 1],
    ];
    for (const [re, keyArg] of calls) {
      for (const m of text.matchAll(re)) {
        const open = m.index + m[0].length - 1;
        const args = topLevelParts(text.slice(open + 1, matchClose(text, open) - 1));
        const keys = literalKeys(args[keyArg] ?? '');
        if (keys.length === 0) continue; // a key held in a variable: typed MessageKey, checked where it is chosen
        const paramsText = args[keyArg + 1];
        const literal = paramsText?.startsWith('{');
        sites.push({ where: where(m.index), keys, params: literal ? propertyNames(paramsText!) : paramsText ? undefined : new Set(), opaque: !!paramsText && !literal });
      }
    }
    // Field problems: { key: 'x' } or { key: 'x', params: { … } }.
    for (const m of text.matchAll(/\{\s*key:\s*'([^']+)'/g)) {
      if (!KEY.test(m[1]!)) continue;
      const object = text.slice(m.index, matchClose(text, m.index));
      const params = topLevelParts(object.slice(1, -1)).find((p) => p.startsWith('params'));
      const paramsObject = params?.replace(/^params\s*:\s*/, '');
      sites.push({ where: where(m.index), keys: [m[1]!], params: paramsObject?.startsWith('{') ? propertyNames(paramsObject) : params ? undefined : new Set(), opaque: !!params && !paramsObject?.startsWith('{') });
    }
  }
  return sites;
}

describe('every message a user can be shown', () => {
  const sites = messageSites();
  // Every catalogue of the source registers itself when imported (also a module not wired up yet).
  beforeAll(async () => {
    for (const file of sourceFiles(join(root, 'src')).filter((f) => f.endsWith('.i18n.ts'))) await import(file);
  });

  it('finds the error keys of the source (the scan itself works)', () => {
    expect(sites.length).toBeGreaterThan(300);
    expect(sites.some((s) => s.keys.includes('review.no_channel') && s.where.startsWith('src/modules/reviews/daily.service.ts'))).toBe(true);
    expect(sites.some((s) => s.keys.includes('cli.bad_at'))).toBe(true);
    // The params are read too: most sites are checked, and a known one with exactly its names.
    expect(sites.filter((s) => !s.opaque && s.params && s.params.size > 0).length).toBeGreaterThan(150);
    const taken = sites.find((s) => s.keys.includes('ticket.already_taken') && s.where.includes('tickets.service.ts'));
    expect([...(taken?.params ?? [])].sort()).toEqual(['key', 'user']);
  });

  it('names a key that exists in English and in Chinese', () => {
    const missing = sites.flatMap((s) => s.keys.filter((k) => !EN.has(k) || !ZH.has(k)).map((k) => `${s.where} ${k}`));
    expect(missing).toEqual([]);
  });

  it('gives every placeholder of its sentence, so none is shown as {name}', () => {
    const gaps: string[] = [];
    for (const s of sites) {
      if (s.opaque || !s.params) continue;
      for (const key of s.keys) {
        for (const locale of [EN, ZH]) {
          const missing = placeholderNames(locale.get(key) ?? '').filter((n) => !s.params!.has(n));
          if (missing.length > 0) gaps.push(`${s.where} ${key} lacks ${[...new Set(missing)].join(', ')}`);
        }
      }
    }
    expect([...new Set(gaps)]).toEqual([]);
  });

  it('has no sentence that is itself a key, empty, or with broken braces, in either language', () => {
    for (const [name, cat] of [['en', EN], ['zh-CN', ZH]] as const) {
      for (const [key, value] of cat) {
        expect(KEY.test(value.trim()), `${name} ${key} is a raw key: ${value}`).toBe(false);
        expect(value.trim(), `${name} ${key}`).not.toBe('');
        // Every brace opens a {placeholder} or {placeholder|prefix}; a stray one would be shown as is.
        const stray = value.replace(/\{\w+(?:\|[\w.]+)?\}/g, '').replace(/`[^`]*`/g, '');
        expect(/[{}]/.test(stray), `${name} ${key} has a stray brace: ${value}`).toBe(false);
      }
    }
  });

  it('tells what to do when a job cannot run for want of configuration: the opsdesk.yml key, in both languages', () => {
    for (const key of ['review.no_channel', 'patrol.no_channel', 'patrol.unknown_checklist', 'oncall.unknown_rotation']) {
      expect(EN.get(key), key).toMatch(/opsdesk\.yml/);
      expect(ZH.get(key), key).toMatch(/opsdesk\.yml/);
    }
    expect(EN.get('review.no_channel')).toContain('channels.review');
    expect(ZH.get('review.no_channel')).toContain('channels.review');
  });
});
