import { validate as validCron } from 'node-cron';
import { z } from 'zod';
import { CALENDAR_PRESETS } from './calendar-presets.js';
import { parseClock, parseDurationMinutes } from './durations.js';
import { parseHours } from './durations.js';

const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'a Slack channel id such as C0123ABCD');
const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id starting with U or W');
const zone = z.string().refine((z) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: z });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Asia/Shanghai');
/** A duration, kept as minutes. */
const duration = z
  .string()
  .refine((v) => parseDurationMinutes(v) !== undefined, 'a duration such as 15m, 4h, 3d or 1h30m')
  .transform((v) => parseDurationMinutes(v)!);
const clock = z.string().refine((v) => parseClock(v) !== undefined, 'a local time HH:MM such as 09:00');
const cron = z.string().refine((v) => validCron(v), 'a cron expression such as "30 8 * * *"');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const priority = z.enum(['P1', 'P2', 'P3', 'P4']);

const target = z.strictObject({
  response: duration,
  resolution: duration,
  calendar: z.string().optional(),
});
const policy = z.partialRecord(priority, target);

const calendar = z.strictObject({
  days: z.array(weekday).min(1),
  hours: z
    .union([z.string(), z.array(z.string()).min(1)])
    .superRefine((v, ctx) => {
      try {
        parseHours(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `working hours such as "09:00-18:00" or "09:00-12:00, 13:00-18:00" (${(err as Error).message})` });
      }
    }),
  holidays: z.array(isoDate).default([]),
  /** Make-up working days (调休) on a weekday that is otherwise off. */
  workdays: z.array(isoDate).default([]),
  timezone: zone.optional(),
  /**
   * Public holidays and make-up working days from a maintained package, under `holidays` and
   * `workdays` (which win): `cn` = mainland China's official schedule (src/config/calendar-presets.ts).
   */
  preset: z.enum(CALENDAR_PRESETS, { error: () => `a calendar preset: ${CALENDAR_PRESETS.join(', ')}` }).optional(),
});

/** Handover times of a rotation: strictly increasing within the day ("09:00", "21:00"). */
function increasingClocks(times: string[], ctx: z.RefinementCtx): void {
  for (let i = 1; i < times.length; i++) {
    if (parseClock(times[i]!)! <= parseClock(times[i - 1]!)!) {
      ctx.addIssue({ code: 'custom', path: [i], message: `handover times must be strictly increasing within the day ("${times[i]}" comes after "${times[i - 1]}")` });
      return;
    }
  }
}
/** A rotation's handover escalation comes after its reminder (both minutes after the thread opens). */
function escalateAfterReminder(r: { ack_reminder_after: number; ack_escalate_after: number }, ctx: z.RefinementCtx): void {
  if (r.ack_escalate_after <= r.ack_reminder_after) {
    ctx.addIssue({
      code: 'custom',
      path: ['ack_escalate_after'],
      message: `must be longer than ack_reminder_after (escalation after ${r.ack_escalate_after} min, reminder after ${r.ack_reminder_after} min): the reminder comes first`,
    });
  }
}
const realDate = (v: string) => {
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
};
/** A local date or date and time: "2026-12-20" or "2026-12-20 18:00" (also with a T). */
const localTime = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v.trim()))
  .refine((v) => /^\d{4}-\d{2}-\d{2}(?:[T ]([01]\d|2[0-3]):[0-5]\d)?$/.test(v) && realDate(v.slice(0, 10)), 'a local date "YYYY-MM-DD" or date and time "YYYY-MM-DD HH:MM"');
function uniqueNames(items: { name: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((r, i) => {
    if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `a second rotation named "${r.name}" (names must be unique)` });
    seen.add(r.name);
  });
}

/**
 * A label matcher of `alerts.routes`: a value to equal, or "/regex/" (anchored, as Alertmanager's
 * =~). A regex that does not compile is refused here, with the route and label in the error's path.
 */
const alertMatcher = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  .superRefine((v, ctx) => {
    if (!(v.length >= 2 && v.startsWith('/') && v.endsWith('/'))) return;
    try {
      new RegExp(`^(?:${v.slice(1, -1)})$`, 'u');
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression ${v} (${(err as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, '')})` });
    }
  });

export const DEFAULT_CATEGORIES = ['network', 'hardware', 'software', 'account', 'printer', 'pos', 'security', 'other'];

export const opsdeskSchema = z.strictObject({
  timezone: zone.optional(),
  locale: z.enum(['en', 'zh-CN']).optional(),
  channels: z
    .strictObject({
      support: channelId.optional(),
      dispatch: channelId.optional(),
      oncall: channelId.optional(),
      escalation: channelId.optional(),
      review: channelId.optional(),
      changes: channelId.optional(),
      patrol: channelId.optional(),
    })
    .default({}),
  roles: z
    .strictObject({
      admins: z.array(userId).default([]),
      supervisors: z.array(userId).default([]),
      dispatchers: z.array(userId).default([]),
      engineers: z.array(userId).default([]),
    })
    .default({ admins: [], supervisors: [], dispatchers: [], engineers: [] }),
  calendars: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a calendar name in lower case'), calendar).default({}),
  sla: z
    .strictObject({
      default: policy.default({}),
      customers: z.record(z.string().min(1), policy).default({}),
    })
    .default({ default: {}, customers: {} }),
  tickets: z
    .strictObject({
      categories: z.array(z.string().min(1).max(40)).min(1).max(100).default(DEFAULT_CATEGORIES),
      products: z.array(z.string().min(1).max(75)).max(100).default([]),
      auto_close_after: duration.default(3 * 1440),
    })
    .default({ categories: DEFAULT_CATEGORIES, products: [], auto_close_after: 3 * 1440 }),
  oncall: z
    .strictObject({
      rotations: z
        .array(
          z.strictObject({
            name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a rotation name in lower case'),
            channel: channelId.optional(),
            members: z.array(userId).min(1, 'at least one member'),
            handover: z.array(clock).min(1).superRefine(increasingClocks).default(['09:00']),
            start: isoDate.refine(realDate, 'a real calendar date YYYY-MM-DD'),
            timezone: zone.optional(),
            /** Shift reminder DM before a shift starts; acknowledgement reminder and escalation; P1 page timeout. */
            reminder_before: duration.default(60),
            ack_reminder_after: duration.default(15),
            ack_escalate_after: duration.default(30),
            page_timeout: duration.default(5),
          }).superRefine(escalateAfterReminder),
        )
        .superRefine(uniqueNames)
        .default([]),
    })
    .default({ rotations: [] }),
  patrols: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a checklist name in lower case'),
        schedule: cron,
        deadline: clock,
        channel: channelId.optional(),
        category: z.string().optional(),
        items: z.array(z.string().min(1).max(150)).min(1).max(40),
        /** Tickets for abnormal items: their customer name and priority. Escalation after the deadline. */
        customer: z.string().min(1).max(100).default('Internal IT'),
        priority: priority.default('P3'),
        escalate_after: duration.default(60),
        /** Post only on this calendar's working days (make-up days included; let `schedule` fire every day). */
        calendar: z.string().optional(),
      }),
    )
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((p, i) => {
        if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `a second checklist named "${p.name}" (names must be unique)` });
        seen.add(p.name);
      });
    })
    .default([]),
  review: z.strictObject({ schedule: cron.default('0 9 1 * *') }).default({ schedule: '0 9 1 * *' }),
  /** Visit orders (SPEC §3.2): accept timeout, unreachable-customer tries, sign-off link lifetime, what counts as a long delay. */
  visits: z
    .strictObject({
      accept_timeout: duration.default(30),
      max_call_attempts: z.number().int().min(1).max(20).default(3),
      signoff_ttl: duration.default(7 * 1440),
      long_delay: duration.default(12 * 60),
    })
    .default({ accept_timeout: 30, max_call_attempts: 3, signoff_ttl: 7 * 1440, long_delay: 12 * 60 }),
  /**
   * Change requests (SPEC §3.6): freeze periods that refuse ordinary changes (local times in
   * `timezone`, "YYYY-MM-DD" or "YYYY-MM-DD HH:MM"; a date alone as `to` means the end of that day),
   * how long an emergency change may wait for its approval, and the implementer's reminder.
   */
  changes: z
    .strictObject({
      freeze: z
        .array(z.strictObject({ from: localTime, to: localTime, reason: z.string().min(1).max(300) }))
        .max(100)
        .default([]),
      emergency_approval: duration.default(24 * 60),
      remind_before: duration.default(30),
    })
    .default({ freeze: [], emergency_approval: 24 * 60, remind_before: 30 }),
  /**
   * The daily work report (工作报告); `calendar` names the working days it and the review count. The
   * default fires every day: the job itself skips days the calendar says are off, so make-up
   * Saturdays (调休) get their report.
   */
  reports: z
    .strictObject({ daily_schedule: cron.default('0 18 * * *'), calendar: z.string().optional() })
    .default({ daily_schedule: '0 18 * * *' }),
  /**
   * Tickets from monitoring (SPEC §3.10): `routes` give an alert its priority (and optionally its
   * customer and channel) by its labels — an ordered list, the first route whose every label matches
   * wins, else P3; a value written "/regex/" is a regular expression matched against the whole label
   * value. `repeat_note`: at most one thread note per this long while the alert keeps firing.
   */
  alerts: z
    .strictObject({
      repeat_note: duration.default(60),
      customer: z.string().trim().min(1).max(100).default('Monitoring'),
      routes: z
        .array(
          z.strictObject({
            match: z.record(z.string().min(1).max(100), alertMatcher).default({}),
            priority,
            customer: z.string().trim().min(1).max(100).optional(),
            channel: channelId.optional(),
          }),
        )
        .max(200)
        .default([]),
    })
    .default({ repeat_note: 60, customer: 'Monitoring', routes: [] }),
});

export type OpsdeskFile = z.infer<typeof opsdeskSchema>;
