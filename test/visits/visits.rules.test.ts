// The pure visit rules: lateness notices, punctuality, sign-off tokens and codes, page language.
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import {
  codeMatches,
  hashSignoffCode,
  newSignoffCode,
  newSignoffSecret,
  parseSignoffToken,
  signSignoffToken,
  validateSignoffForm,
  verifySignoffToken,
} from '../../src/modules/visits/signoff.rules.js';
import { acceptDeadlines, arrivalPunctuality, buttonsFor, canStart, checkLateNotice, missedNotice, parseVisitKey, validateVisitDraft, VISIT_STATES } from '../../src/modules/visits/visits.rules.js';
import { dueVisitStages, markVisitPosted, nextVisitCheckAt, type VisitClocks } from '../../src/modules/visits/visits.sla.rules.js';
import { escapeHtml } from '../../src/modules/visits/web/page.js';
import { ConfigError, parseConfig } from '../../src/config/config.js';
import { pageLocale } from '../../src/modules/visits/web/routes.js';

/** A Shanghai wall-clock time as an instant. */
const sh = (local: string) => DateTime.fromISO(local, { zone: 'Asia/Shanghai' }).toJSDate();
const HALF_DAY = 12 * 60;

describe('late notices (handbook 3.4.2.5)', () => {
  it('accepts a short delay announced exactly 30 minutes before the agreed start', () => {
    const c = checkLateNotice(sh('2026-11-26T13:30'), sh('2026-11-26T14:00'), sh('2026-11-26T14:40'), HALF_DAY);
    expect(c).toMatchObject({ inTime: true, long: false, leadMinutes: 30, requiredMinutes: 30, delayMinutes: 40 });
  });

  it('flags a short delay announced 29 minutes before', () => {
    const c = checkLateNotice(sh('2026-11-26T13:31'), sh('2026-11-26T14:00'), sh('2026-11-26T14:40'), HALF_DAY);
    expect(c).toMatchObject({ inTime: false, long: false, leadMinutes: 29 });
  });

  it('flags a notice given a second too late, and one given after the start', () => {
    expect(checkLateNotice(new Date(sh('2026-11-26T13:30').getTime() + 1000), sh('2026-11-26T14:00'), sh('2026-11-26T15:00'), HALF_DAY).inTime).toBe(false);
    expect(checkLateNotice(sh('2026-11-26T14:05'), sh('2026-11-26T14:00'), sh('2026-11-26T15:00'), HALF_DAY)).toMatchObject({ inTime: false, leadMinutes: -5 });
  });

  it('treats a delay of exactly half a day as short, and one minute more as long', () => {
    expect(checkLateNotice(sh('2026-11-26T08:00'), sh('2026-11-26T09:00'), sh('2026-11-26T21:00'), HALF_DAY)).toMatchObject({ long: false, inTime: true });
    expect(checkLateNotice(sh('2026-11-26T08:00'), sh('2026-11-26T09:00'), sh('2026-11-26T21:01'), HALF_DAY)).toMatchObject({ long: true, requiredMinutes: 240, inTime: false });
  });

  it('accepts a long delay announced exactly 4 hours before, and flags 3 h 59 min', () => {
    expect(checkLateNotice(sh('2026-11-26T05:00'), sh('2026-11-26T09:00'), sh('2026-11-27T09:00'), HALF_DAY)).toMatchObject({ long: true, inTime: true, leadMinutes: 240 });
    expect(checkLateNotice(sh('2026-11-26T05:01'), sh('2026-11-26T09:00'), sh('2026-11-27T09:00'), HALF_DAY)).toMatchObject({ long: true, inTime: false, leadMinutes: 239 });
  });

  it('counts across midnight: a 00:30 start announced at 00:00 and at 23:59 the day before', () => {
    expect(checkLateNotice(sh('2026-11-27T00:00'), sh('2026-11-27T00:30'), sh('2026-11-27T01:30'), HALF_DAY)).toMatchObject({ inTime: true, leadMinutes: 30 });
    expect(checkLateNotice(sh('2026-11-27T00:01'), sh('2026-11-27T00:30'), sh('2026-11-27T01:30'), HALF_DAY)).toMatchObject({ inTime: false, leadMinutes: 29 });
    // a long delay of a 01:00 start, announced at 21:00 the evening before (4 h) and at 21:01
    expect(checkLateNotice(sh('2026-11-26T21:00'), sh('2026-11-27T01:00'), sh('2026-11-27T14:00'), HALF_DAY)).toMatchObject({ long: true, inTime: true });
    expect(checkLateNotice(sh('2026-11-26T21:01'), sh('2026-11-27T01:00'), sh('2026-11-27T14:00'), HALF_DAY)).toMatchObject({ long: true, inTime: false });
  });

  it('counts across the end of a month and a year', () => {
    expect(checkLateNotice(sh('2026-12-31T23:45'), sh('2027-01-01T00:15'), sh('2027-01-01T01:00'), HALF_DAY)).toMatchObject({ inTime: true, leadMinutes: 30 });
    expect(checkLateNotice(sh('2026-11-30T23:46'), sh('2026-12-01T00:15'), sh('2026-12-01T01:00'), HALF_DAY)).toMatchObject({ inTime: false, leadMinutes: 29 });
  });
});

describe('arrival punctuality', () => {
  const start = sh('2026-11-26T14:00');
  it.each([
    ['13:45', false, 'early', -15],
    ['13:50', false, 'target', -10],
    ['13:55', false, 'target', -5],
    ['13:56', false, 'on_time', -4],
    ['14:00', false, 'on_time', 0],
    ['14:01', false, 'late', 1],
    ['14:20', true, 'late_notified', 20],
  ] as const)('arriving at %s (notice %s) is %s', (at, notice, punctuality, offset) => {
    expect(arrivalPunctuality(sh(`2026-11-26T${at}`), start, notice)).toEqual({ punctuality, offsetMinutes: offset });
  });
  it('has no punctuality without an agreed window', () => {
    expect(arrivalPunctuality(start, null, false)).toEqual({ punctuality: 'no_window', offsetMinutes: null });
  });
});

describe('order rules', () => {
  it('re-announces after the timeout and escalates after twice that', () => {
    const posted = sh('2026-11-26T23:50');
    const d = acceptDeadlines(posted, 30);
    expect([d.reannounceAt, d.escalateAt]).toEqual([sh('2026-11-27T00:20'), sh('2026-11-27T00:50')]);
  });

  it('flags a missed notice only for a scheduled order whose start has passed', () => {
    const start = sh('2026-11-27T00:30');
    expect(missedNotice('scheduled', start, start)).toBe(false);
    expect(missedNotice('scheduled', start, sh('2026-11-27T00:31'))).toBe(true);
    expect(missedNotice('late', start, sh('2026-11-27T00:31'))).toBe(false);
    expect(missedNotice('on_site', start, sh('2026-11-27T00:31'))).toBe(false);
  });

  it('freezes archived, cancelled and declined orders: no action, no button', () => {
    for (const state of ['archived', 'cancelled', 'declined'] as const) {
      expect(buttonsFor(state, 0, 3)).toEqual([]);
      for (const action of ['accept', 'arrive', 'complete', 'confirm', 'callback', 'cancel', 'reassign', 'archive'] as const) expect(canStart(action, state)).toBe(false);
    }
    expect(VISIT_STATES).toHaveLength(11);
  });

  it('offers Left a note and check-in without a window only after the configured calls', () => {
    expect(buttonsFor('accepted', 2, 3)).not.toContain('left_note');
    expect(buttonsFor('accepted', 3, 3)).toEqual(expect.arrayContaining(['left_note', 'arrive']));
    expect(buttonsFor('no_contact', 3, 3)).toContain('confirm_window');
  });

  it('parses order ids in any case', () => {
    expect(parseVisitKey(' vo-2026-007 ')).toBe('VO-2026-7');
    expect(parseVisitKey('OPS-2026-7')).toBeUndefined();
  });

  it('checks a draft field by field', () => {
    const now = sh('2026-11-26T10:00');
    const problems = validateVisitDraft({ address: '', contactName: 'x'.repeat(61), contactPhone: 'abc', need: 'ok', requestedStart: now }, now, () => false);
    expect(Object.keys(problems).sort()).toEqual(['address', 'contact_name', 'contact_phone', 'window_start']);
  });
});

describe('visit-order SLA clocks', () => {
  const open = (createdAt: Date, posted = 0): VisitClocks => ({ state: 'open', createdAt, windowStart: null, windowAgreedAt: null, arrivedAt: null, slaPosted: posted });
  const stages = (c: VisitClocks, at: Date) => dueVisitStages(c, at, 30).map((s) => `${s.target}:${s.stage}`);

  it('warns at 75 % and breaches at 100 % of the accept timeout, across midnight', () => {
    const posted = open(sh('2026-11-26T23:50'));
    expect(nextVisitCheckAt(posted, 30)).toEqual(sh('2026-11-27T00:12:30'));
    expect(stages(posted, sh('2026-11-27T00:12'))).toEqual([]);
    expect(stages(posted, sh('2026-11-27T00:12:30'))).toEqual(['accept:warning']);
    const warned = { ...posted, slaPosted: markVisitPosted(0, 'accept', 'warning') };
    expect(nextVisitCheckAt(warned, 30)).toEqual(sh('2026-11-27T00:20'));
    expect(stages(warned, sh('2026-11-27T00:20'))).toEqual(['accept:breach']);
    // first seen past due: the breach only
    expect(stages(posted, sh('2026-11-27T02:00'))).toEqual(['accept:breach']);
    // a breach closes the warning for good: nothing is left to look at
    expect(nextVisitCheckAt({ ...posted, slaPosted: markVisitPosted(0, 'accept', 'breach') }, 30)).toBeNull();
  });

  it('runs the arrival clock from when the window was agreed to its start, while nobody has arrived', () => {
    const scheduled: VisitClocks = { state: 'scheduled', createdAt: sh('2026-11-26T08:00'), windowStart: sh('2026-11-26T14:00'), windowAgreedAt: sh('2026-11-26T10:00'), arrivedAt: null, slaPosted: markVisitPosted(0, 'accept', 'warning') };
    expect(nextVisitCheckAt(scheduled, 30)).toEqual(sh('2026-11-26T13:00'));
    expect(stages(scheduled, sh('2026-11-26T13:00'))).toEqual(['arrival:warning']);
    expect(stages({ ...scheduled, state: 'late' }, sh('2026-11-26T14:00'))).toEqual(['arrival:breach']);
    for (const state of ['on_site', 'no_contact', 'cancelled', 'accepted'] as const) expect(nextVisitCheckAt({ ...scheduled, state }, 30)).toBeNull();
    // a window agreed again does not bring back a stage already posted
    const breached = { ...scheduled, slaPosted: markVisitPosted(0, 'arrival', 'breach') };
    expect(stages({ ...breached, windowStart: sh('2026-11-27T09:00'), windowAgreedAt: sh('2026-11-26T15:00') }, sh('2026-11-27T10:00'))).toEqual([]);
  });
});

describe('sign-off tokens and codes', () => {
  const secret = newSignoffSecret();
  const expires = new Date('2026-12-02T02:00:00Z');
  const token = signSignoffToken(secret, 42, expires);

  it('verifies its own token and nothing altered', () => {
    const parts = parseSignoffToken(token)!;
    expect(verifySignoffToken(secret, parts, expires)).toBe(true);
    expect(verifySignoffToken(newSignoffSecret(), parts, expires)).toBe(false);
    expect(verifySignoffToken(secret, { ...parts, id: 43 }, expires)).toBe(false);
    expect(verifySignoffToken(secret, { ...parts, expires: parts.expires + 86400 }, new Date((parts.expires + 86400) * 1000))).toBe(false);
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(verifySignoffToken(secret, parseSignoffToken(flipped)!, expires)).toBe(false);
  });

  it('rejects anything that is not shaped like a token', () => {
    for (const bad of ['', 'abc', '42.1.short', `0.${token.split('.')[1]}.${token.split('.')[2]}`, `${token}x`, '../../etc/passwd']) expect(parseSignoffToken(bad)).toBeUndefined();
  });

  it('makes 6-digit codes and keeps only their HMAC', () => {
    for (let i = 0; i < 50; i++) expect(newSignoffCode()).toMatch(/^\d{6}$/);
    const hash = hashSignoffCode(secret, '012345');
    expect(hash).not.toContain('012345');
    expect(codeMatches(secret, hash, '012345')).toBe(true);
    expect(codeMatches(secret, hash, '012346')).toBe(false);
  });

  it('checks the customer form', () => {
    expect(validateSignoffForm({ name: ' 王 ', rating: '5' })).toMatchObject({ problems: {}, name: '王', rating: 5, comment: null });
    expect(validateSignoffForm({ name: '', rating: '6', comment: 'x'.repeat(1001) }).problems).toEqual({ name: 'name_required', rating: 'rating_required', comment: 'comment_too_long' });
  });
});

describe('the sign-off page', () => {
  it('chooses its language from ?lang, then Accept-Language, then the default', () => {
    const q = (s: string) => new URLSearchParams(s);
    expect(pageLocale(q('lang=zh-CN'), 'en-US', 'en')).toBe('zh-CN');
    expect(pageLocale(q('lang=en'), 'zh-CN,zh;q=0.9', 'zh-CN')).toBe('en');
    expect(pageLocale(q(''), 'fr-FR, en;q=0.5, zh-TW;q=0.8', 'en')).toBe('zh-CN');
    expect(pageLocale(q(''), 'de-DE', 'zh-CN')).toBe('zh-CN');
    expect(pageLocale(q('lang=xx'), undefined, 'en')).toBe('en');
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
  });
});

describe('visits configuration', () => {
  const env = { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined };
  it('defaults to a 30-minute accept timeout, 3 calls, 7-day links and a 12-hour long delay', () => {
    expect(parseConfig('', env).visits).toEqual({ accept_timeout: 30, max_call_attempts: 3, signoff_ttl: 7 * 1440, long_delay: 720 });
  });
  it('reads the keys and names a bad one with its line', () => {
    expect(parseConfig('visits:\n  accept_timeout: 45m\n  max_call_attempts: 2\n  signoff_ttl: 3d\n', env).visits).toEqual({ accept_timeout: 45, max_call_attempts: 2, signoff_ttl: 3 * 1440, long_delay: 720 });
    expect(() => parseConfig('visits:\n  accept_timeout: soon\n', env)).toThrow(ConfigError);
    expect(() => parseConfig('visits:\n  accept_timeout: soon\n', env)).toThrow(/:2: visits\.accept_timeout/);
    expect(() => parseConfig('visits:\n  max_call_attempts: 0\n', env)).toThrow(/visits\.max_call_attempts/);
    expect(() => parseConfig('visits:\n  max_calls: 3\n', env)).toThrow(/visits\.max_calls: unknown key/);
  });
});
