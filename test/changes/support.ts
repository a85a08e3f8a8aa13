// Helpers that drive change requests the way people in Slack would, and read what they left behind.
import { eq } from 'drizzle-orm';
import { changeApprovals, changeEvents, changeNotices, changes } from '../../src/modules/changes/changes.table.js';
import { outbox } from '../../src/outbox/outbox.table.js';
import { auditLog } from '../../src/platform/audit.table.js';
import { teamConfigYaml, type Harness } from '../support/harness.js';
import type { SlackUser } from '../support/slack-client.js';

export const CHANGES = 'C0CHANGES';
/** A second supervisor: high-risk changes need two. */
export const sue = { id: 'U0SUE', name: 'sue' };

/** The team's opsdesk.yml with a changes channel, two supervisors and a freeze at the year end. */
export const changesYaml = (extra = '') =>
  teamConfigYaml()
    .replace('  patrol: C0PATROL', `  patrol: C0PATROL\n  changes: ${CHANGES}`)
    .replace('  supervisors: [U0SAM]', `  supervisors: [U0SAM, ${sue.id}]`) +
  `changes:\n  freeze:\n    - { from: "2026-12-31 18:00", to: "2027-01-03", reason: "New Year trading" }\n${extra}`;

export const ctext = (value?: string) => ({ value: { type: 'plain_text_input', value: value ?? null } });
export const cselect = (value?: string) => ({ value: { type: 'static_select', selected_option: value ? { value, text: { type: 'plain_text', text: value } } : null } });
export const cdate = (d?: Date | string) => ({ value: { type: 'datetimepicker', selected_date_time: d ? Math.floor(new Date(d).getTime() / 1000) : null } });
export const cuser = (u?: string) => ({ value: { type: 'users_select', selected_user: u ?? null } });
export const ctick = (on: boolean) => ({ value: { type: 'checkboxes', selected_options: on ? [{ value: 'yes', text: { type: 'plain_text', text: 'yes' } }] : [] } });

export interface ChangeForm {
  title?: string;
  systems?: string;
  description?: string;
  reason?: string;
  risk?: string;
  impact?: string;
  testEvidence?: string;
  plan?: string;
  rollback?: string;
  start?: Date | string;
  end?: Date | string;
  implementer?: string;
  ticket?: string;
  emergency?: boolean;
  emergencyReason?: string;
}

/** A complete form: low risk, tomorrow 22:00–24:00 Shanghai, bob implements. */
export const GOOD: Required<Omit<ChangeForm, 'ticket' | 'emergency' | 'emergencyReason' | 'testEvidence'>> = {
  title: 'Upgrade core switch firmware',
  systems: 'core-switch',
  description: 'Firmware 9.3 → 9.4',
  reason: 'Vendor security advisory',
  risk: 'low',
  impact: 'Store network blips for a minute',
  plan: '1. backup config 2. upload 3. reboot',
  rollback: 'Boot the previous image',
  start: '2026-11-26T14:00:00Z',
  end: '2026-11-26T16:00:00Z',
  implementer: 'U0BOB',
};

/** The view_submission values of the change form, as Slack would send them. */
export function changeFormValues(f: ChangeForm): Record<string, Record<string, any>> {
  return {
    title: ctext(f.title),
    systems: ctext(f.systems),
    description: ctext(f.description),
    reason: ctext(f.reason),
    risk: cselect(f.risk),
    impact: ctext(f.impact),
    test_evidence: ctext(f.testEvidence),
    plan: ctext(f.plan),
    rollback: ctext(f.rollback),
    window_start: cdate(f.start),
    window_end: cdate(f.end),
    implementer: cuser(f.implementer),
    ticket: ctext(f.ticket),
    emergency: ctick(!!f.emergency),
    emergency_reason: ctext(f.emergencyReason),
  };
}

let viewSeq = 0;

/** Submits the change form (GOOD with `form` over it); returns Slack's answer to the submission. */
export async function submitChangeForm(h: Harness, user: SlackUser, form: ChangeForm, viewId = `VCHG${++viewSeq}${Date.now()}`) {
  const res = await h.requester.viewSubmission({ user, callbackId: 'change.create', viewId, values: changeFormValues({ ...GOOD, ...form }), privateMetadata: JSON.stringify({ channel: CHANGES }) });
  await h.opsdesk.idle();
  return res;
}

export async function changeRow(h: Harness, id: number) {
  const [row] = await h.store.db.select().from(changes).where(eq(changes.id, id));
  return row!;
}

export async function changeByKey(h: Harness, key: string) {
  const [row] = await h.store.db.select().from(changes).where(eq(changes.key, key));
  return row!;
}

export async function eventKinds(h: Harness, id: number): Promise<string[]> {
  return (await h.store.db.select().from(changeEvents).where(eq(changeEvents.changeId, id)).orderBy(changeEvents.id)).map((e) => e.kind);
}

/** Row counts that a refused or invalid action must leave alone. */
export async function snapshot(h: Harness) {
  const [rows, events, approvals, notices, messages] = await Promise.all([
    h.store.db.select().from(changes).orderBy(changes.id),
    h.store.db.select({ id: changeEvents.id }).from(changeEvents),
    h.store.db.select({ id: changeApprovals.id }).from(changeApprovals),
    h.store.db.select({ id: changeNotices.id }).from(changeNotices),
    h.store.db.select({ id: outbox.id }).from(outbox),
  ]);
  return { changes: JSON.stringify(rows), events: events.length, approvals: approvals.length, notices: notices.length, outbox: messages.length };
}

export async function refusals(h: Harness, id: number) {
  const rows = await h.store.db.select().from(auditLog).where(eq(auditLog.subject, `change:${id}`)).orderBy(auditLog.id);
  return rows.filter((r) => r.outcome === 'refused').map((r) => [r.actor, r.action]);
}

/** Clicks a change button carrying the change's current version, then waits for the handler. */
export async function clickChange(h: Harness, user: SlackUser, actionId: string, id: number, opts: { version?: number; settle?: boolean } = {}) {
  const row = await changeRow(h, id);
  const res = await h.requester.blockAction({
    user,
    actionId,
    value: JSON.stringify({ id, v: opts.version ?? row.version }),
    channelId: CHANGES,
    messageTs: row.slackTs ?? undefined,
    triggerId: `trig-${Math.random().toString(36).slice(2)}`,
  });
  if (opts.settle !== false) await h.opsdesk.idle();
  return res;
}

/** Submits one of a change's forms (reject, cancel, verify, rollback) for the change at its current version. */
export async function submitChangeAction(h: Harness, user: SlackUser, callbackId: string, id: number, values: Record<string, Record<string, any>>) {
  const row = await changeRow(h, id);
  const res = await h.requester.viewSubmission({ user, callbackId, values, privateMetadata: JSON.stringify({ id, v: row.version, channel: CHANGES }), viewId: `VCA${++viewSeq}${Date.now()}` });
  await h.opsdesk.idle();
  return res;
}
