// Patrol rules without a database: slots, deadlines across midnight, alerts, result validation, config.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/config.js';
import { alertsDue, cronFiresAt, onTime, runTimes, slotMinute, validateResults } from '../../src/modules/patrols/patrols.rules.js';

const ZONE = 'Asia/Shanghai';
const ENV = { publicUrl: 'http://localhost:3000', tzDefault: undefined, localeDefault: undefined };

describe('patrol slots and deadlines', () => {
  it('puts the deadline on the slot\'s local date, in the team\'s zone', () => {
    const t = runTimes({ deadline: '11:00', escalate_after: 60 }, new Date('2026-11-25T00:30:00Z'), ZONE);
    expect(t.runDate).toBe('2026-11-25');
    expect(t.deadlineAt.toISOString()).toBe('2026-11-25T03:00:00.000Z');
    expect(t.escalateAt.toISOString()).toBe('2026-11-25T04:00:00.000Z');
  });

  it('takes the local date, not the UTC one, for a slot just after local midnight', () => {
    // 00:30 in Shanghai on 1 December is still 30 November in UTC.
    const t = runTimes({ deadline: '02:00', escalate_after: 30 }, new Date('2026-11-30T16:30:00Z'), ZONE);
    expect(t.runDate).toBe('2026-12-01');
    expect(t.deadlineAt.toISOString()).toBe('2026-11-30T18:00:00.000Z');
  });

  it('moves a deadline already past at the slot to the next day (a night patrol), across the month end', () => {
    const t = runTimes({ deadline: '02:00', escalate_after: 60 }, new Date('2026-11-30T14:00:00Z'), ZONE); // 22:00 on the 30th
    expect(t.runDate).toBe('2026-11-30');
    expect(t.deadlineAt.toISOString()).toBe('2026-11-30T18:00:00.000Z'); // 02:00 on 1 December
  });

  it('truncates a slot to its minute', () => {
    expect(slotMinute(new Date('2026-11-25T00:30:41.250Z')).toISOString()).toBe('2026-11-25T00:30:00.000Z');
  });

  it('matches a schedule at its minute in the zone only', () => {
    expect(cronFiresAt('30 8 * * *', new Date('2026-11-25T00:30:00Z'), ZONE)).toBe(true);
    expect(cronFiresAt('30 8 * * *', new Date('2026-11-25T00:30:59Z'), ZONE)).toBe(true);
    expect(cronFiresAt('30 8 * * *', new Date('2026-11-25T08:30:00Z'), ZONE)).toBe(false);
    expect(cronFiresAt('30 8 * * 1-5', new Date('2026-11-28T00:30:00Z'), ZONE)).toBe(false); // a Saturday
  });
});

describe('patrol alerts', () => {
  const run = { state: 'claimed' as const, deadlineAt: new Date('2026-11-25T03:00:00Z'), escalateAt: new Date('2026-11-25T04:00:00Z'), remindedAt: null, escalatedAt: null };

  it('owes nothing before the deadline', () => {
    expect(alertsDue(run, new Date('2026-11-25T02:59:59Z'))).toEqual({ reminder: false, escalation: false });
  });

  it('owes the reminder at the deadline and the escalation an hour later, each once', () => {
    expect(alertsDue(run, new Date('2026-11-25T03:00:00Z'))).toEqual({ reminder: true, escalation: false });
    const reminded = { ...run, remindedAt: new Date('2026-11-25T03:00:00Z') };
    expect(alertsDue(reminded, new Date('2026-11-25T03:30:00Z'))).toEqual({ reminder: false, escalation: false });
    expect(alertsDue(reminded, new Date('2026-11-25T04:00:00Z'))).toEqual({ reminder: false, escalation: true });
    expect(alertsDue({ ...reminded, escalatedAt: new Date('2026-11-25T04:00:00Z') }, new Date('2026-11-25T09:00:00Z'))).toEqual({ reminder: false, escalation: false });
  });

  it('owes nothing for a submitted run, however late', () => {
    expect(alertsDue({ ...run, state: 'submitted' }, new Date('2026-11-26T00:00:00Z'))).toEqual({ reminder: false, escalation: false });
  });

  it('calls a run on time when submitted at or before its deadline', () => {
    expect(onTime({ submittedAt: new Date('2026-11-25T03:00:00Z'), deadlineAt: run.deadlineAt })).toBe(true);
    expect(onTime({ submittedAt: new Date('2026-11-25T03:00:01Z'), deadlineAt: run.deadlineAt })).toBe(false);
    expect(onTime({ submittedAt: null, deadlineAt: run.deadlineAt })).toBe(false);
  });
});

describe('patrol results', () => {
  it('asks for a result on every item and a note on every abnormal one', () => {
    const problems = validateResults([1, 2, 3], [
      { position: 1, status: 'ok' },
      { position: 2, status: 'abnormal', note: '  ' },
    ]);
    expect(problems).toEqual({ note_2: { key: 'patrol.error.note_required' }, item_3: { key: 'patrol.error.choose' } });
  });

  it('refuses a status that is neither OK nor Abnormal, and notes that are too long', () => {
    const problems = validateResults([1, 2], [
      { position: 1, status: 'fine' },
      { position: 2, status: 'ok', note: 'x'.repeat(501) },
    ], 'y'.repeat(1001));
    expect(Object.keys(problems).sort()).toEqual(['item_1', 'note_2', 'run_note']);
    expect(problems.note_2).toEqual({ key: 'error.too_long', params: { max: 500 } });
  });

  it('accepts a complete submission', () => {
    expect(validateResults([1, 2], [{ position: 1, status: 'ok' }, { position: 2, status: 'abnormal', note: 'fan noise' }])).toEqual({});
  });
});

describe('patrol configuration', () => {
  const yml = (patrol: string) => `tickets:\n  categories: [network, other]\npatrols:\n  - name: morning\n${patrol}`;

  function error(text: string): string {
    try {
      parseConfig(text, ENV);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('expected a ConfigError');
  }

  it('names the key path and line of a bad cron schedule', () => {
    const msg = error(yml('    schedule: "30 25 * * *"\n    deadline: "11:00"\n    items: [a]\n'));
    expect(msg).toContain('opsdesk.yml:5: patrols.0.schedule:');
    expect(msg).toContain('cron');
  });

  it('names the key path and line of a bad deadline', () => {
    const msg = error(yml('    schedule: "30 8 * * *"\n    deadline: "25:00"\n    items: [a]\n'));
    expect(msg).toContain('opsdesk.yml:6: patrols.0.deadline:');
    expect(msg).toContain('HH:MM');
  });

  it('refuses a category that tickets cannot have, naming the key', () => {
    const msg = error(yml('    schedule: "30 8 * * *"\n    deadline: "11:00"\n    category: printers\n    items: [a]\n'));
    expect(msg).toContain('patrols.0.category');
    expect(msg).toContain('printers');
  });

  it('refuses two checklists of the same name', () => {
    const msg = error(yml('    schedule: "30 8 * * *"\n    deadline: "11:00"\n    items: [a]\n  - name: morning\n    schedule: "0 9 * * *"\n    deadline: "12:00"\n    items: [b]\n'));
    expect(msg).toContain('patrols.1.name');
  });

  it('fills the defaults of a checklist', () => {
    const c = parseConfig(yml('    schedule: "30 8 * * *"\n    deadline: "11:00"\n    items: [a]\n'), ENV);
    expect(c.patrols[0]).toMatchObject({ customer: 'Internal IT', priority: 'P3', escalate_after: 60 });
    expect(c.reports.daily_schedule).toBe('0 18 * * *'); // every day: the calendar decides (make-up Saturdays)
  });
});
