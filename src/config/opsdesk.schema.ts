import { validate as validCron } from 'node-cron';
import { z } from 'zod';
import { parseClock, parseDurationMinutes } from './durations.js';

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
    .string()
    .regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, 'working hours such as "09:00-18:00"')
    .refine((v) => {
      const [from, to] = v.split('-').map(parseClock);
      return from !== undefined && to !== undefined && from < to;
    }, 'working hours such as "09:00-18:00" (start before end)'),
  holidays: z.array(isoDate).default([]),
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
            handover: z.array(clock).min(1).default(['09:00']),
            start: isoDate,
            timezone: zone.optional(),
          }),
        )
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
      }),
    )
    .default([]),
  review: z.strictObject({ schedule: cron.default('0 9 1 * *') }).default({ schedule: '0 9 1 * *' }),
});

export type OpsdeskFile = z.infer<typeof opsdeskSchema>;
