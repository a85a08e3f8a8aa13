// Shared set-up of the on-call end-to-end tests: a team with two rotations and helpers to run the
// jobs at a moment and read what was sent.
import { expect } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { runJob } from '../../src/jobs/runner.js';
import { auditLog } from '../../src/platform/audit.table.js';
import { validateMessageBlocks } from '../support/block-kit.js';
import type { SlackCall } from '../support/fake-slack.js';
import { teamConfigYaml, useHarness, users, type Harness, type UseHarnessOptions } from '../support/harness.js';
import type { SlackUser } from '../support/slack-client.js';

export const carl = { id: 'U0CARL', name: 'carl' };
export const NETWORK = 'C0NETWORK';

/**
 * primary: alice, bob, carl; handovers 09:00 and 21:00 Shanghai from 1 Nov 2026. Shift k starts at
 * 09:00 (even k) or 21:00 (odd k) of 1 Nov + ⌊k/2⌋ days, member k mod 3: on 25 Nov 09:00 (k=48)
 * alice, 21:00 bob, 26 Nov 09:00 carl, 21:00 alice, 27 Nov 09:00 bob …
 */
export const oncallYaml = `${teamConfigYaml([carl.id])}
oncall:
  rotations:
    - name: primary
      members: [${users.alice.id}, ${users.bob.id}, ${carl.id}]
      handover: ["09:00", "21:00"]
      start: "2026-11-01"
    - name: network
      channel: ${NETWORK}
      members: [${users.bob.id}]
      handover: ["08:00"]
      start: "2026-11-20"
`;

/** Shanghai local time → ISO instant. */
export const sh = (local: string) => new Date(`${local}+08:00`).toISOString();

/** `useHarness` for the on-call team (`oncallYaml`), its clock starting at `now`. */
export function useOncallHarness(now = sh('2026-11-25T10:00:00'), opts: Omit<UseHarnessOptions, 'yaml' | 'now'> = {}): Harness {
  return useHarness({ ...opts, yaml: oncallYaml, now });
}

/** Runs a job as of a Shanghai local time (the clock moves there too) and delivers what it queued. */
export async function runAt(h: Harness, job: string, local: string, args: { name?: string } = {}) {
  h.clock.set(sh(local));
  const result = await runJob(h.opsdesk.services, job, new Date(sh(local)), 'manual', args);
  expect(result.outcome, JSON.stringify(result)).toBe('ok');
  await settle(h);
  return result.outcome === 'ok' ? result.counts : {};
}

/** Waits until handlers are done and the outbox has delivered everything due now. */
export const settle = (h: Harness, timeoutMs = 5_000): Promise<void> => h.deliver(timeoutMs);

/** Messages delivered to a user's DM channel. */
export const dmsTo = (h: Harness, user: SlackUser) => h.slack.posted().filter((c) => c.args.channel === h.slack.dmChannelFor(user.id));
/** Top-level posts (not thread replies) in a channel. */
export const postsIn = (h: Harness, channel: string) => h.slack.posted().filter((c) => c.args.channel === channel && !c.args.thread_ts);
export const repliesIn = (h: Harness, channel: string) => h.slack.posted().filter((c) => c.args.channel === channel && c.args.thread_ts);
/** Everything of a message a reader sees: its text and blocks. */
export const textOf = (c: SlackCall | { text?: string; blocks?: unknown }) => {
  const m = 'args' in c ? c.args : c;
  return `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
};

/** The action value of a button with `actionId` in a message. */
export function buttonValue(c: SlackCall, actionId: string): string {
  for (const b of c.args.blocks ?? []) {
    for (const e of b.elements ?? []) if (e.action_id === actionId) return e.value;
  }
  throw new Error(`no ${actionId} button in ${textOf(c).slice(0, 300)}`);
}

/** Clicks a button of a delivered message, as its reader, and waits for the handler. */
export async function click(h: Harness, user: SlackUser, message: SlackCall, actionId: string) {
  const res = await h.requester.blockAction({ user, actionId, value: buttonValue(message, actionId), channelId: message.response?.channel ?? message.args.channel, messageTs: message.response?.ts, triggerId: `trig-${Math.random()}` });
  expect(res.status).toBe(200);
  await settle(h);
  return res;
}

/** The last ephemeral answer (response_url) a handler sent. */
export const lastEphemeral = (h: Harness) => h.sink.received.at(-1)?.text as string | undefined;

export async function auditRows(h: Harness, action: string, outcome: 'ok' | 'refused') {
  return h.store.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.outcome, outcome)));
}

/** Asserts every delivered message passes Slack's Block Kit limits (the fake also checks on send). */
export function expectValidBlocks(calls: SlackCall[]) {
  for (const c of calls) expect(validateMessageBlocks(c.args.blocks ?? []), textOf(c).slice(0, 200)).toEqual([]);
}
