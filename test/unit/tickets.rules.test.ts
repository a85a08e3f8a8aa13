import { ALWAYS } from '../../src/modules/sla/calendar.rules.js';
import { openingClocks } from '../../src/modules/sla/sla.rules.js';
// SPEC §3.1 ticket rules: states and transitions, buttons, human ids, due times, form validation.
import { describe, expect, it } from 'vitest';
import type { SlaTarget } from '../../src/config/config.js';
import { normalizePhone } from '../../src/modules/customers/phone.rules.js';
import {
  buttonsFor,
  canStart,
  expectedBeforeSla,
  isOpen,
  presetTime,
  nextState,
  parseTicketKey,
  ticketKey,
  TICKET_LIMITS,
  TICKET_STATES,
  validateCancelReason,
  validateConsent,
  validateRemoteStep,
  validateResolution,
  validateTicketDraft,
  type TicketAction,
  type TicketDraft,
  type TicketState,
} from '../../src/modules/tickets/tickets.rules.js';

const ACTIONS: TicketAction[] = ['take', 'assign', 'remote_step', 'wait_customer', 'resume', 'resolve', 'close', 'reopen', 'cancel', 'extend'];
const OPEN_STATES: TicketState[] = ['new', 'acknowledged', 'in_progress', 'waiting_customer'];

/** Every state change the rules permit, as "from → to" (actions that keep the state are left out). */
function transitions(): Set<string> {
  const out = new Set<string>();
  for (const from of TICKET_STATES) {
    for (const action of ACTIONS) {
      if (!canStart(action, from)) continue;
      const to = nextState(action, from) ?? from;
      if (to !== from) out.add(`${from} → ${to}`);
    }
  }
  return out;
}

describe('ticket states and transitions', () => {
  // SPEC §3.1: new → acknowledged → in_progress ⇄ waiting_customer → resolved → closed; cancelled from
  // any open state; reopen resolved → in_progress. in_progress → resolved is the ordinary way to
  // resolve; an acknowledged ticket may also go straight to waiting on the customer or be resolved
  // (a quick fix on the phone) — the rules allow both, and this list pins that down.
  const ALLOWED = [
    'new → acknowledged',
    'acknowledged → in_progress',
    'acknowledged → waiting_customer',
    'acknowledged → resolved',
    'in_progress → waiting_customer',
    'in_progress → resolved',
    'waiting_customer → in_progress',
    'waiting_customer → resolved',
    'resolved → closed',
    'resolved → in_progress',
    'new → cancelled',
    'acknowledged → cancelled',
    'in_progress → cancelled',
    'waiting_customer → cancelled',
  ];

  it('allows exactly the transitions of the SPEC state machine', () => {
    expect([...transitions()].sort()).toEqual([...ALLOWED].sort());
  });

  const allPairs = TICKET_STATES.flatMap((from) => TICKET_STATES.filter((to) => to !== from).map((to) => `${from} → ${to}`));
  const refused = allPairs.filter((p) => !ALLOWED.includes(p));

  it.each(refused)('refuses %s', (pair) => {
    expect(transitions().has(pair)).toBe(false);
  });

  it.each(['closed', 'cancelled'] as const)('refuses every action on a %s ticket', (state) => {
    for (const action of ACTIONS) expect(canStart(action, state), `${action} on ${state}`).toBe(false);
    expect(isOpen(state)).toBe(false);
  });

  it('never goes back to new', () => {
    expect([...transitions()].some((t) => t.endsWith('→ new'))).toBe(false);
  });

  it('refuses to close a ticket that is not resolved', () => {
    for (const s of OPEN_STATES) expect(canStart('close', s)).toBe(false);
    expect(canStart('close', 'resolved')).toBe(true);
  });

  it('refuses to cancel a resolved ticket', () => {
    expect(canStart('cancel', 'resolved')).toBe(false);
  });

  it('allows cancelling from every open state', () => {
    for (const s of OPEN_STATES) {
      expect(canStart('cancel', s)).toBe(true);
      expect(nextState('cancel', s)).toBe('cancelled');
    }
  });

  it('reopens a resolved ticket into in_progress', () => {
    expect(canStart('reopen', 'resolved')).toBe(true);
    expect(nextState('reopen', 'resolved')).toBe('in_progress');
    for (const s of TICKET_STATES.filter((s) => s !== 'resolved')) expect(canStart('reopen', s)).toBe(false);
  });

  it('lets only a new ticket be taken, which acknowledges it', () => {
    expect(canStart('take', 'new')).toBe(true);
    expect(nextState('take', 'new')).toBe('acknowledged');
    for (const s of TICKET_STATES.filter((s) => s !== 'new')) expect(canStart('take', s)).toBe(false);
  });

  it('re-assigns an open ticket without changing its state', () => {
    for (const s of OPEN_STATES) {
      expect(canStart('assign', s)).toBe(true);
      expect(nextState('assign', s)).toBeUndefined();
    }
    for (const s of ['resolved', 'closed', 'cancelled'] as const) expect(canStart('assign', s)).toBe(false);
  });

  it('resumes only a ticket waiting on the customer', () => {
    expect(canStart('resume', 'waiting_customer')).toBe(true);
    expect(nextState('resume', 'waiting_customer')).toBe('in_progress');
    for (const s of TICKET_STATES.filter((s) => s !== 'waiting_customer')) expect(canStart('resume', s)).toBe(false);
  });

  it('counts exactly new, acknowledged, in_progress and waiting_customer as open', () => {
    expect(TICKET_STATES.filter(isOpen)).toEqual(OPEN_STATES);
  });
});

describe('buttonsFor', () => {
  it.each<[TicketState, TicketAction[]]>([
    ['new', ['take', 'assign', 'cancel']],
    ['acknowledged', ['assign', 'remote_step', 'wait_customer', 'resolve', 'extend', 'cancel']],
    ['in_progress', ['assign', 'remote_step', 'wait_customer', 'resolve', 'extend', 'cancel']],
    ['waiting_customer', ['assign', 'resume', 'resolve', 'extend', 'cancel']],
    ['resolved', ['close', 'reopen']],
    ['closed', []],
    ['cancelled', []],
  ])('offers the right buttons on a %s ticket', (state, buttons) => {
    expect(buttonsFor(state)).toEqual(buttons);
  });

  it('offers only actions the rules allow', () => {
    for (const s of TICKET_STATES) for (const a of buttonsFor(s)) expect(canStart(a, s)).toBe(true);
  });
});

describe('ticket keys', () => {
  it('formats OPS-<year>-<seq>', () => {
    expect(ticketKey(2026, 1)).toBe('OPS-2026-1');
    expect(ticketKey(2027, 1234)).toBe('OPS-2027-1234');
  });

  it('parses a key in any case and around spaces', () => {
    expect(parseTicketKey('OPS-2026-12')).toBe('OPS-2026-12');
    expect(parseTicketKey('ops-2026-12')).toBe('OPS-2026-12');
    expect(parseTicketKey('Ops-2026-12')).toBe('OPS-2026-12');
    expect(parseTicketKey('  OPS-2026-12 ')).toBe('OPS-2026-12');
  });

  it('normalises leading zeros of the sequence', () => {
    expect(parseTicketKey('OPS-2026-007')).toBe('OPS-2026-7');
    expect(parseTicketKey('ops-2026-0012')).toBe(ticketKey(2026, 12));
  });

  it('round-trips what ticketKey makes', () => {
    for (const [y, n] of [[2026, 1], [2026, 99999], [2030, 42]] as const) expect(parseTicketKey(ticketKey(y, n))).toBe(ticketKey(y, n));
  });

  it.each(['OPS-26-1', 'VO-2026-1', 'OPS-2026-', 'OPS-2026', 'OPS2026-1', 'OPS-2026-1a', 'OPS-2026-1-2', 'xOPS-2026-1', '', 'OPS-2026--1'])(
    'rejects %j',
    (text) => {
      expect(parseTicketKey(text)).toBeUndefined();
    },
  );
});

describe('opening due times on a 24×7 clock', () => {
  const P1: SlaTarget = { responseMinutes: 15, resolutionMinutes: 240, calendar: '24x7' };
  const P3: SlaTarget = { responseMinutes: 120, resolutionMinutes: 1440, calendar: '24x7' };

  it('adds the response and resolution targets to the report time', () => {
    const opened = new Date('2026-05-12T02:00:00Z');
    const { responseDueAt, resolutionDueAt } = openingClocks(ALWAYS, opened, P1);
    expect(responseDueAt.toISOString()).toBe('2026-05-12T02:15:00.000Z');
    expect(resolutionDueAt.toISOString()).toBe('2026-05-12T06:00:00.000Z');
  });

  it('runs across local midnight', () => {
    const opened = new Date('2026-05-12T23:50:00+08:00');
    const { responseDueAt, resolutionDueAt } = openingClocks(ALWAYS, opened, P1);
    expect(responseDueAt.toISOString()).toBe(new Date('2026-05-13T00:05:00+08:00').toISOString());
    expect(resolutionDueAt.toISOString()).toBe(new Date('2026-05-13T03:50:00+08:00').toISOString());
  });

  it('runs across the end of a month and of February', () => {
    expect(openingClocks(ALWAYS, new Date('2026-01-31T20:00:00Z'), P3).resolutionDueAt.toISOString()).toBe('2026-02-01T20:00:00.000Z');
    expect(openingClocks(ALWAYS, new Date('2026-02-28T12:00:00Z'), P3).resolutionDueAt.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(openingClocks(ALWAYS, new Date('2026-12-31T23:30:00Z'), P3).responseDueAt.toISOString()).toBe('2027-01-01T01:30:00.000Z');
  });

  it('does not change the report time it was given', () => {
    const opened = new Date('2026-05-12T02:00:00Z');
    openingClocks(ALWAYS, opened, P3);
    expect(opened.toISOString()).toBe('2026-05-12T02:00:00.000Z');
  });
});

describe('validateTicketDraft', () => {
  const NOW = new Date('2026-05-12T10:00:00+08:00');
  const CATEGORIES = ['network', 'printer', 'other'];
  const isPhone = (s: string) => normalizePhone(s) !== undefined;
  const good: TicketDraft = {
    newCustomerName: '上海示例连锁超市',
    site: '12号门店',
    callerName: '王经理',
    callerPhone: '138 1234 5678',
    category: 'printer',
    priority: 'P3',
    title: 'Receipt printer offline',
    description: 'The till printer at store 12 prints nothing since this morning.',
    expectedAt: new Date('2026-05-12T18:00:00+08:00'),
  };
  const check = (patch: Partial<TicketDraft>) => validateTicketDraft({ ...good, ...patch }, NOW, CATEGORIES, isPhone);

  it('accepts a complete draft', () => {
    expect(check({})).toEqual({});
  });

  it('accepts an existing customer instead of a new one', () => {
    expect(check({ newCustomerName: undefined, customerId: 7 })).toEqual({});
  });

  it('refuses an empty title', () => {
    expect(check({ title: '' })).toEqual({ title: { key: 'error.title_required' } });
    expect(check({ title: undefined })).toEqual({ title: { key: 'error.title_required' } });
  });

  it('refuses a whitespace-only title', () => {
    expect(check({ title: '   \t ' })).toEqual({ title: { key: 'error.title_required' } });
  });

  it('accepts a title of 150 characters and refuses 151', () => {
    expect(check({ title: 'x'.repeat(150) })).toEqual({});
    expect(check({ title: 'x'.repeat(151) })).toEqual({ title: { key: 'error.too_long', params: { max: 150 } } });
  });

  it('counts each Chinese character as one', () => {
    expect(check({ title: '打'.repeat(150) })).toEqual({});
    expect(check({ title: '打'.repeat(151) }).title?.key).toBe('error.too_long');
    // a character outside the BMP (two UTF-16 units) is still one character
    expect(check({ title: '𠮷'.repeat(150) })).toEqual({});
    expect(check({ title: '𠮷'.repeat(151) }).title?.key).toBe('error.too_long');
  });

  it('accepts a description of 3000 characters and refuses 3001', () => {
    expect(check({ description: 'd'.repeat(3000) })).toEqual({});
    expect(check({ description: 'd'.repeat(3001) })).toEqual({ description: { key: 'error.too_long', params: { max: 3000 } } });
  });

  it.each([
    ['site', 'site', 150],
    ['callerName', 'caller_name', 60],
    ['product', 'product', 75],
    ['newCustomerName', 'new_customer', 100],
  ] as const)('accepts a %s at its limit and refuses one character more', (draftField, formField, max) => {
    expect(TICKET_LIMITS).toMatchObject({ [draftField === 'newCustomerName' ? 'customerName' : draftField]: max });
    expect(check({ [draftField]: '店'.repeat(max) })).toEqual({});
    expect(check({ [draftField]: '店'.repeat(max + 1) })).toEqual({ [formField]: { key: 'error.too_long', params: { max } } });
  });

  it('refuses a bad phone number', () => {
    expect(check({ callerPhone: '138-1234-567a' })).toEqual({ caller_phone: { key: 'error.phone_invalid' } });
    expect(check({ callerPhone: '123' })).toEqual({ caller_phone: { key: 'error.phone_invalid' } });
  });

  it('refuses a phone longer than 30 characters even when its digits make a number', () => {
    const spaced = '1 3 8 1 2 3 4 5 6 7 8'; // 21 characters, a valid mobile
    expect(check({ callerPhone: spaced })).toEqual({});
    const padded = `${spaced}${' '.repeat(9)}-`; // 31 characters, still only digits, spaces and a dash
    expect(isPhone(padded)).toBe(true);
    expect(check({ callerPhone: padded })).toEqual({ caller_phone: { key: 'error.too_long', params: { max: 30 } } });
  });

  it('accepts a draft with no phone at all', () => {
    expect(check({ callerPhone: undefined })).toEqual({});
    expect(check({ callerPhone: '  ' })).toEqual({});
  });

  it('refuses an expected time in the past', () => {
    expect(check({ expectedAt: new Date(NOW.getTime() - 60_000) })).toEqual({ expected: { key: 'error.expected_in_past' } });
  });

  it('refuses an expected time of exactly now', () => {
    expect(check({ expectedAt: new Date(NOW.getTime()) })).toEqual({ expected: { key: 'error.expected_in_past' } });
  });

  it('accepts an expected time one second from now', () => {
    expect(check({ expectedAt: new Date(NOW.getTime() + 1000) })).toEqual({});
  });

  it('refuses a category that is not configured', () => {
    expect(check({ category: 'plumbing' })).toEqual({ category: { key: 'error.category_required' } });
    expect(check({ category: undefined })).toEqual({ category: { key: 'error.category_required' } });
  });

  it('refuses a missing or unknown priority', () => {
    expect(check({ priority: undefined })).toEqual({ priority: { key: 'error.priority_required' } });
    expect(check({ priority: 'P5' })).toEqual({ priority: { key: 'error.priority_required' } });
  });

  it('refuses a draft with no customer at all', () => {
    expect(check({ newCustomerName: undefined, customerId: undefined })).toEqual({ customer: { key: 'error.customer_required' } });
    expect(check({ newCustomerName: '   ' })).toEqual({ customer: { key: 'error.customer_required' } });
  });

  it('reports every problem together in one call', () => {
    const problems = validateTicketDraft(
      {
        title: ' ',
        description: 'd'.repeat(3001),
        callerPhone: 'abc',
        category: 'plumbing',
        expectedAt: new Date(NOW.getTime() - 1),
      },
      NOW,
      CATEGORIES,
      isPhone,
    );
    expect(problems).toEqual({
      customer: { key: 'error.customer_required' },
      title: { key: 'error.title_required' },
      description: { key: 'error.too_long', params: { max: 3000 } },
      caller_phone: { key: 'error.phone_invalid' },
      priority: { key: 'error.priority_required' },
      category: { key: 'error.category_required' },
      expected: { key: 'error.expected_in_past' },
    });
  });
});

/** A text of `n` characters, Chinese and outside the BMP mixed, so limits count characters, not bytes or UTF-16 units. */
const chars = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? '因' : '𠮷')).join('');

describe('validateResolution', () => {
  const CATEGORIES = ['network', 'printer'];
  const good = { cause: 'Spooler hung', fix: 'Restarted the spooler', faultCategory: 'printer' };
  const check = (patch: Partial<typeof good>) => validateResolution({ ...good, ...patch }, CATEGORIES);

  it('accepts cause, fix and a configured fault category', () => {
    expect(check({})).toEqual({});
  });

  it('requires cause and fix, blank counting as missing, and a configured category', () => {
    expect(check({ cause: ' ', fix: '', faultCategory: 'plumbing' })).toEqual({
      cause: { key: 'error.required' },
      fix: { key: 'error.required' },
      fault_category: { key: 'error.required' },
    });
  });

  it('accepts a cause of 1000 and a fix of 2000 characters and refuses one more', () => {
    expect(check({ cause: chars(1000), fix: chars(2000) })).toEqual({});
    expect(check({ cause: chars(1001), fix: chars(2001) })).toEqual({
      cause: { key: 'error.too_long', params: { max: 1000 } },
      fix: { key: 'error.too_long', params: { max: 2000 } },
    });
  });
});

describe('validateCancelReason', () => {
  it('requires a reason of at most 500 characters', () => {
    expect(validateCancelReason('Duplicate')).toEqual({});
    expect(validateCancelReason(chars(500))).toEqual({});
    expect(validateCancelReason('  ')).toEqual({ reason: { key: 'error.required' } });
    expect(validateCancelReason(chars(501))).toEqual({ reason: { key: 'error.too_long', params: { max: 500 } } });
  });
});

describe('validateRemoteStep', () => {
  it('requires a step and a result of at most 1000 characters each', () => {
    expect(validateRemoteStep({ step: chars(1000), result: chars(1000) })).toEqual({});
    expect(validateRemoteStep({ step: '', result: ' ' })).toEqual({ step: { key: 'error.required' }, result: { key: 'error.required' } });
    expect(validateRemoteStep({ step: chars(1001), result: chars(1001) })).toEqual({
      step: { key: 'error.too_long', params: { max: 1000 } },
      result: { key: 'error.too_long', params: { max: 1000 } },
    });
  });
});

describe('validateConsent', () => {
  const NOW = new Date('2026-05-12T10:00:00+08:00');
  const good = { consentedBy: '王经理', method: 'phone', consentedAt: NOW };
  const check = (patch: Partial<typeof good>) => validateConsent({ ...good, ...patch }, NOW);

  it('accepts who agreed, a known method and a time up to a minute ahead (clock skew)', () => {
    expect(check({})).toEqual({});
    for (const method of ['phone', 'chat', 'email', 'on_site']) expect(check({ method })).toEqual({});
    expect(check({ consentedAt: new Date(NOW.getTime() + 60_000) })).toEqual({});
  });

  it('refuses a blank name, an unknown method and a time in the future', () => {
    expect(check({ consentedBy: ' ', method: 'telepathy', consentedAt: new Date(NOW.getTime() + 60_001) })).toEqual({
      consented_by: { key: 'error.required' },
      consent_method: { key: 'error.required' },
      consented_at: { key: 'error.consent_in_future' },
    });
  });

  it('accepts a name of 60 characters and refuses 61', () => {
    expect(check({ consentedBy: chars(60) })).toEqual({});
    expect(check({ consentedBy: chars(61) })).toEqual({ consented_by: { key: 'error.too_long', params: { max: 60 } } });
  });
});

describe('the expected time\'s quick choices', () => {
  const at = new Date('2026-03-07T22:30:00Z'); // Saturday 17:30 in New York (EST), Sunday 06:30 in Shanghai

  it('reads today and tomorrow in the configured zone, not the server\'s', () => {
    expect(presetTime('today_18', at, 'America/New_York')!.toISOString()).toBe('2026-03-07T23:00:00.000Z');
    expect(presetTime('today_18', at, 'Asia/Shanghai')!.toISOString()).toBe('2026-03-08T10:00:00.000Z');
    // New York's clocks go forward on 8 March: tomorrow 12:00 is EDT (UTC-4).
    expect(presetTime('tomorrow_12', at, 'America/New_York')!.toISOString()).toBe('2026-03-08T16:00:00.000Z');
    expect(presetTime('within_4h', at, 'Asia/Shanghai')!.getTime()).toBe(at.getTime() + 4 * 3_600_000);
    expect(presetTime('sla', at, 'Asia/Shanghai')).toBeUndefined();
  });

  it('refuses today 18:00 once it has passed, an unknown choice, and nothing at all when a person opens the ticket', () => {
    const draft = { newCustomerName: 'C', title: 't', priority: 'P3', category: 'network' };
    const check = (patch: Partial<TicketDraft>, zone = 'Asia/Shanghai') => validateTicketDraft({ ...draft, ...patch }, at, ['network'], () => true, { zone, requireExpected: true });
    expect(check({ expectedPreset: 'today_18' }, 'Asia/Shanghai')).toEqual({}); // 06:30 there: 18:00 is ahead
    expect(check({ expectedPreset: 'today_18' }, 'Europe/London')).toEqual({ expected_preset: { key: 'error.expected_preset_passed' } }); // 22:30 there
    expect(check({ expectedPreset: 'someday' })).toEqual({ expected_preset: { key: 'error.expected_required' } });
    expect(check({})).toEqual({ expected: { key: 'error.expected_required' } });
    expect(check({ expectedPreset: 'today_18', expectedAt: new Date(at.getTime() + 60_000) }, 'Europe/London')).toEqual({}); // the exact time wins
    expect(validateTicketDraft({ ...draft }, at, ['network'], () => true)).toEqual({}); // automatic origins: not required
  });

  it('flags an expected time earlier than the resolution due time while the ticket is open', () => {
    const due = new Date('2026-03-08T22:30:00Z');
    expect(expectedBeforeSla({ expectedAt: new Date(due.getTime() - 1), resolutionDueAt: due, state: 'in_progress' })).toBe(true);
    expect(expectedBeforeSla({ expectedAt: due, resolutionDueAt: due, state: 'new' })).toBe(false);
    expect(expectedBeforeSla({ expectedAt: new Date(due.getTime() - 1), resolutionDueAt: due, state: 'resolved' })).toBe(false);
  });
});
