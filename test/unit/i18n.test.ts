// SPEC §5: every message exists in English and Simplified Chinese.
import { describe, expect, it } from 'vitest';
// The composition root imports every module's front door, which registers the module's catalogue.
import '../../src/app.js';
import { catalogue, catalogueOwners, CatalogueError, defineMessages, t, translator, type MessageKey } from '../../src/platform/i18n.js';
import { TICKET_STATES, type TicketAction } from '../../src/modules/tickets/tickets.rules.js';

const EN = Object.fromEntries(catalogue('en')) as Record<string, string>;
const ZH = Object.fromEntries(catalogue('zh-CN')) as Record<string, string>;

/** The {name} and {name|prefix} placeholders of a template, sorted. */
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)(?:\|([\w.]+))?\}/g)].map((m) => m[0]).sort();

const ACTIONS: TicketAction[] = ['take', 'assign', 'remote_step', 'wait_customer', 'resume', 'resolve', 'close', 'reopen', 'cancel'];

describe('catalogues', () => {
  it('have exactly the same keys in en and zh-CN', () => {
    expect(Object.keys(ZH).sort()).toEqual(Object.keys(EN).sort());
    expect(Object.keys(EN).length).toBeGreaterThan(600);
  });

  it('come from every module, each with its own strings', () => {
    const modules = new Set(catalogueOwners().values());
    for (const name of ['shared', 'tickets', 'tickets.sla', 'visits', 'visits.forms', 'oncall', 'patrols', 'reviews', 'home']) expect(modules, name).toContain(name);
    expect(catalogueOwners().get('state.resolved')).toBe('tickets');
    expect(catalogueOwners().get('error.required')).toBe('shared');
  });

  it('refuse a module catalogue that lacks a key in one language, and register nothing of it', () => {
    const en = { 'zz.test.one': 'One', 'zz.test.two': 'Two' };
    expect(() => defineMessages('zz', en, { 'zz.test.one': '一' } as typeof en)).toThrow(CatalogueError);
    expect(() => defineMessages('zz', en, { 'zz.test.one': '一' } as typeof en)).toThrow(/zz\.test\.two \(zh-CN\)/);
    expect(catalogue('en').has('zz.test.one')).toBe(false);
  });

  it('refuse a key that another module already owns', () => {
    expect(() => defineMessages('zz', { 'state.resolved': 'x' }, { 'state.resolved': 'x' })).toThrow(/state\.resolved is in both the tickets and the zz catalogues/);
    expect(t('en', 'state.resolved')).toBe('Resolved');
  });

  it('have no empty value', () => {
    for (const [key, value] of Object.entries(EN)) expect(value.trim(), `en ${key}`).not.toBe('');
    for (const [key, value] of Object.entries(ZH)) expect(value.trim(), `zh-CN ${key}`).not.toBe('');
  });

  it('use the same placeholders in both languages for every key', () => {
    for (const key of Object.keys(EN)) {
      expect(placeholders(ZH[key] ?? ''), key).toEqual(placeholders(EN[key]!));
    }
  });

  it('translate every nested {x|prefix} placeholder through keys that exist', () => {
    for (const [key, value] of Object.entries(EN)) {
      for (const m of value.matchAll(/\{\w+\|([\w.]+)\}/g)) {
        const prefix = m[1]!;
        expect(Object.keys(EN).some((k) => k.startsWith(`${prefix}.`)), `${key} uses ${prefix}.*`).toBe(true);
      }
    }
  });

  it('name every ticket state in both languages', () => {
    for (const state of TICKET_STATES) {
      expect(EN[`state.${state}`], `en state.${state}`).toBeTruthy();
      expect(ZH[`state.${state}`], `zh-CN state.${state}`).toBeTruthy();
    }
  });

  it('label every ticket button in both languages', () => {
    for (const action of ACTIONS) {
      expect(EN[`ticket.button.${action}`], `en ticket.button.${action}`).toBeTruthy();
      expect(ZH[`ticket.button.${action}`], `zh-CN ticket.button.${action}`).toBeTruthy();
    }
  });

  it('actually translate the Chinese catalogue (state names differ from English)', () => {
    for (const state of TICKET_STATES) expect(ZH[`state.${state}`]).not.toBe(EN[`state.${state}`]);
  });
});

describe('t()', () => {
  it('fills {name} params', () => {
    expect(t('en', 'error.too_long', { max: 150 })).toBe('Too long: at most 150 characters.');
    expect(t('zh-CN', 'error.too_long', { max: 150 })).toBe('内容过长：最多 150 个字符。');
  });

  it('fills every occurrence and several params', () => {
    expect(t('en', 'ticket.already_taken', { key: 'OPS-2026-1', user: 'U0123ABCD' })).toBe('OPS-2026-1 is already taken by <@U0123ABCD>.');
  });

  it('translates the {state|state} nested form', () => {
    const zh = t('zh-CN', 'ticket.already_done', { key: 'OPS-2026-1', state: 'resolved' });
    expect(zh).toContain('OPS-2026-1');
    expect(zh).toContain('已解决');
    expect(zh).not.toContain('resolved');
    expect(t('en', 'ticket.already_done', { key: 'OPS-2026-1', state: 'resolved' })).toBe('Already done: OPS-2026-1 is Resolved.');
  });

  it('translates {action|ticket.button} through the button labels', () => {
    const en1 = t('en', 'ticket.invalid_transition', { key: 'OPS-2026-3', state: 'closed', action: 'reopen' });
    expect(en1).toContain('Closed');
    expect(en1).toContain('“Reopen”');
    const zh1 = t('zh-CN', 'ticket.invalid_transition', { key: 'OPS-2026-3', state: 'closed', action: 'reopen' });
    expect(zh1).toContain(ZH['state.closed']!);
    expect(zh1).toContain(ZH['ticket.button.reopen']!);
  });

  it('shows the raw value when the nested key does not exist', () => {
    expect(t('en', 'ticket.already_done', { key: 'OPS-2026-1', state: 'on_fire' })).toBe('Already done: OPS-2026-1 is on_fire.');
  });

  it('leaves a placeholder visible when its param is missing', () => {
    expect(t('en', 'error.too_long')).toBe('Too long: at most {max} characters.');
  });

  it('does not re-interpret braces inside a param value', () => {
    expect(t('en', 'ticket.not_found', { key: '{key}' })).toBe('There is no ticket {key}.');
  });

  it('binds a locale with translator()', () => {
    const key: MessageKey = 'state.waiting_customer';
    expect(translator('en')(key)).toBe('Waiting on customer');
    expect(translator('zh-CN')(key)).toBe('等待客户');
  });
});
