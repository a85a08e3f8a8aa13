// Helpers that drive patrols the way people in Slack and the scheduler would.
import { asc, eq, sql } from 'drizzle-orm';
import { runJob } from '../../src/jobs/runner.js';
import { rows } from '../../src/platform/db.js';
import { patrolItems, patrolRuns } from '../../src/modules/patrols/patrols.table.js';
import { baseConfigYaml, PATROL, type Harness } from '../support/harness.js';
import type { SlackUser } from '../support/slack-client.js';

export const ITEMS = ['核心交换机状态', '防火墙告警', '服务器磁盘空间', '备份任务结果'];

export const patrolYaml = `${baseConfigYaml}
patrols:
  - name: morning
    schedule: "30 8 * * *"
    deadline: "11:00"
    category: network
    priority: P2
    items: ${JSON.stringify(ITEMS)}
  - name: evening
    schedule: "0 20 * * 1-5"
    deadline: "22:00"
    escalate_after: 30m
    items: ["UPS", "机房温度"]
`;

/**
 * Waits until handlers are done and the outbox has delivered everything due now (the background
 * worker may hold a row while `drain` runs, so wait for the table, not for `drain`).
 */
export async function settle(h: Harness, timeoutMs = 5_000): Promise<void> {
  await h.opsdesk.idle();
  const until = Date.now() + timeoutMs;
  for (;;) {
    await h.opsdesk.worker.drain();
    const [row] = await rows<{ n: number }>(h.store.db, sql`select count(*)::int as n from outbox where status = 'pending' and available_at <= ${h.clock.now().toISOString()}::timestamptz`);
    if (row!.n === 0 || Date.now() > until) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs a job as the CLI does (`job <name> --at`) and delivers what it queued. */
export async function job(h: Harness, name: string, at: string, args: { name?: string } = {}) {
  h.clock.set(at);
  const result = await runJob(h.opsdesk.services, name, new Date(at), 'manual', args);
  if (result.outcome !== 'ok') throw new Error(`${name} ${result.outcome}: ${'error' in result ? result.error : ''}`);
  await settle(h);
  return result.counts;
}

export async function runOf(h: Harness, checklist: string, slot: string) {
  const [run] = await h.store.db.select().from(patrolRuns).where(eq(patrolRuns.slotAt, new Date(slot)));
  if (!run || run.checklist !== checklist) throw new Error(`no ${checklist} run at ${slot}`);
  return run;
}

export async function itemsOf(h: Harness, runId: number) {
  return h.store.db.select().from(patrolItems).where(eq(patrolItems.runId, runId)).orderBy(asc(patrolItems.position));
}

/** Messages posted to the patrol channel (top level). */
export const patrolPosts = (h: Harness) => h.slack.posted().filter((c) => c.args.channel === PATROL && !c.args.thread_ts);

/** Clicks a patrol button with the run's current version, as its latest message shows. */
export async function click(h: Harness, user: SlackUser, actionId: string, runId: number, version?: number) {
  const [run] = await h.store.db.select().from(patrolRuns).where(eq(patrolRuns.id, runId));
  const res = await h.requester.blockAction({
    user,
    actionId,
    value: JSON.stringify({ id: runId, v: version ?? run!.version }),
    channelId: PATROL,
    triggerId: `trig-${Math.random()}`,
  });
  await settle(h);
  return res;
}

/** The view_submission values of the results form. */
export function resultValues(results: Record<number, { status?: 'ok' | 'abnormal'; note?: string }>, runNote?: string) {
  const values: Record<string, Record<string, any>> = {};
  for (const [pos, r] of Object.entries(results)) {
    values[`item_${pos}`] = { value: { type: 'radio_buttons', selected_option: r.status ? { value: r.status, text: { type: 'plain_text', text: r.status } } : null } };
    values[`note_${pos}`] = { value: { type: 'plain_text_input', value: r.note ?? null } };
  }
  values.run_note = { value: { type: 'plain_text_input', value: runNote ?? null } };
  return values;
}

/** Submits the results form of the latest opened modal. */
export async function submitResults(h: Harness, user: SlackUser, values: Record<string, Record<string, any>>, viewId = `VPATROL${Math.random().toString(36).slice(2, 10)}`) {
  const view = h.slack.callsTo('views.open').at(-1)!.args.view;
  const res = await h.requester.viewSubmission({ user, callbackId: 'patrol.submit', viewId, values, privateMetadata: view.private_metadata });
  await settle(h);
  return res;
}
