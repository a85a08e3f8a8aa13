// Patrol use cases (SPEC §3.4): post a run at its slot, claim it, submit the results (abnormal
// items open linked tickets), and remind / escalate runs not submitted by their deadline.
import type { Config } from '../../config/config.js';
import { postedLocation } from '../../outbox/outbox.js';
import { audit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { DomainError, ValidationError } from '../../platform/errors.js';
import type { Translate } from '../../platform/i18n.js';
import { rolesOf } from '../../platform/roles.js';
import { truncate } from '../../slack/mrkdwn.js';
import { ALWAYS, isWorkingDayAt } from '../sla/index.js';
import { openTicket, SYSTEM_ACTOR, TICKET_LIMITS, type TicketDeps } from '../tickets/index.js';
import { DateTime } from 'luxon';
import * as rules from './patrols.rules.js';
import type { Checklist, ItemResult } from './patrols.rules.js';
import * as store from './patrols.store.js';
import type { PatrolRun, PatrolRunWithItems } from './patrols.store.js';

/** How the domain tells Slack: implementations queue outbox rows in the given transaction. */
export interface PatrolNotifier {
  posted(tx: Db, run: PatrolRunWithItems): Promise<void>;
  changed(tx: Db, run: PatrolRunWithItems, change: { action: 'claim' | 'submit'; actor: string }): Promise<void>;
  ticketOpened(tx: Db, run: PatrolRunWithItems, item: { position: number; label: string; ticketKey: string }): Promise<void>;
  reminder(tx: Db, run: PatrolRun): Promise<void>;
  escalation(tx: Db, run: PatrolRun): Promise<void>;
}

export interface PatrolDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly config: Config;
  /** The workspace language, for tickets patrols open. */
  readonly tr: Translate;
  readonly tickets: TicketDeps;
  readonly notify: PatrolNotifier;
  readonly queued: () => void;
}

/** The outbox key of a run's channel message; replies and updates target it. */
export const patrolMessageKey = (runId: number) => `patrol:${runId}`;

/** The checklists of opsdesk.yml. */
export const checklists = (config: Config): Checklist[] => config.patrols;

export function findChecklist(config: Config, name: string): Checklist | undefined {
  return config.patrols.find((p) => p.name === name.toLowerCase());
}

function requireChecklist(config: Config, name: string): Checklist {
  const found = findChecklist(config, name);
  if (!found) throw new DomainError('not_found', 'patrol.unknown_checklist', { name, names: config.patrols.map((p) => p.name).join(', ') || '—' });
  return found;
}

/** The channel a checklist posts in: its own, else channels.patrol, else the support channel. */
export function checklistChannel(config: Config, checklist: Checklist): string {
  const channel = checklist.channel ?? config.channels.patrol ?? config.channels.support;
  if (!channel) throw new DomainError('invalid', 'patrol.no_channel', { name: checklist.name });
  return channel;
}

/** Posts the run of `checklist` for the slot of `at`, once: a second call for the slot returns the first run. */
export async function startRun(deps: PatrolDeps, checklist: Checklist, at: Date): Promise<{ run: PatrolRun; created: boolean }> {
  const { db, config } = deps;
  const slot = rules.slotMinute(at);
  const channel = checklistChannel(config, checklist);
  const times = rules.runTimes(checklist, slot, config.timezone);
  const created = await db.transaction(async (tx) => {
    const run = await store.insertRun(tx, { checklist: checklist.name, slotAt: slot, ...times, channel, state: 'open', createdAt: deps.clock.now() });
    if (!run) return undefined;
    await store.insertItems(tx, run.id, checklist.items);
    await deps.notify.posted(tx, (await store.getRun(tx, run.id))!);
    return run;
  });
  if (created) {
    deps.queued();
    return { run: created, created: true };
  }
  return { run: (await store.getRunBySlot(db, checklist.name, slot))!, created: false };
}

/**
 * The `patrol` job: the named checklist's run for the slot, or — without a name — the run of every
 * checklist whose schedule fires at that minute (for external schedulers calling it every minute).
 * A checklist with a `calendar` is skipped on that calendar's days off (holidays, weekends), and
 * runs on its make-up working days (调休).
 */
export async function runPatrolJob(deps: PatrolDeps, at: Date, name?: string): Promise<{ posted: number; already: number; skipped: number }> {
  const { config } = deps;
  let due: Checklist[];
  if (name) {
    const found = findChecklist(config, name);
    if (!found) throw new DomainError('not_found', 'patrol.unknown_checklist', { name, names: config.patrols.map((p) => p.name).join(', ') || '—' });
    due = [found];
  } else {
    due = config.patrols.filter((p) => rules.cronFiresAt(p.schedule, at, config.timezone));
  }
  const counts = { posted: 0, already: 0, skipped: 0 };
  for (const checklist of due) {
    if (checklist.calendar && !isWorkingDayAt(deps.tickets.calendars.get(checklist.calendar) ?? ALWAYS, at)) {
      counts.skipped++;
      continue;
    }
    const { created } = await startRun(deps, checklist, at);
    counts[created ? 'posted' : 'already']++;
  }
  return counts;
}

/** Claim: the engineer who does today's patrol. A second claimer hears who has it. */
export async function claimRun(deps: PatrolDeps, runId: number, actor: string, version?: number): Promise<PatrolRunWithItems> {
  const { db, clock, config } = deps;
  const now = clock.now();
  let refused: DomainError | undefined;
  try {
    const run = await db.transaction(async (tx) => {
      const run = await store.lockRun(tx, runId);
      if (!run) throw new DomainError('not_found', 'patrol.not_found', { id: runId });
      if (run.state === 'submitted') throw new DomainError('conflict', 'patrol.already_submitted', { name: run.checklist, date: run.runDate });
      if (run.state === 'claimed') {
        if (run.claimedBy === actor) throw new DomainError('conflict', 'patrol.already_yours', { name: run.checklist, date: run.runDate });
        throw new DomainError('conflict', 'patrol.already_claimed', { name: run.checklist, date: run.runDate, user: run.claimedBy ?? '' });
      }
      if (version !== undefined && version !== run.version) throw new DomainError('conflict', 'patrol.stale', { name: run.checklist });
      if (!rolesOf(config.roles, actor).has('engineer')) throw (refused = new DomainError('refused', 'patrol.not_allowed', { name: run.checklist }));
      await store.updateRun(tx, run.id, { state: 'claimed', claimedBy: actor, claimedAt: now });
      const updated = (await store.getRun(tx, run.id))!;
      await deps.notify.changed(tx, updated, { action: 'claim', actor });
      return updated;
    });
    deps.queued();
    return run;
  } catch (err) {
    if (err === refused) await audit(db, { at: now, actor, action: 'patrol.claim', subject: `patrol:${runId}`, outcome: 'refused' });
    throw err;
  }
}

/** Checks the claimer may record results before the form opens; returns the run with its items. */
export async function prepareSubmit(deps: PatrolDeps, runId: number, actor: string): Promise<PatrolRunWithItems> {
  const run = await store.getRun(deps.db, runId);
  if (!run) throw new DomainError('not_found', 'patrol.not_found', { id: runId });
  const problem = submitProblem(run, actor);
  if (problem?.kind === 'refused') await audit(deps.db, { at: deps.clock.now(), actor, action: 'patrol.submit', subject: `patrol:${runId}`, outcome: 'refused' });
  if (problem) throw problem;
  return run;
}

function submitProblem(run: PatrolRun, actor: string): DomainError | undefined {
  if (run.state === 'submitted') return new DomainError('conflict', 'patrol.already_submitted', { name: run.checklist, date: run.runDate });
  if (run.state === 'open') return new DomainError('invalid', 'patrol.claim_first', { name: run.checklist });
  if (run.claimedBy !== actor) return new DomainError('refused', 'patrol.not_claimer', { name: run.checklist, user: run.claimedBy ?? '' });
  return undefined;
}

/**
 * Submit: one result per item (abnormal ones with a note), in one transaction with the message
 * update. Then every abnormal item opens a ticket in the support channel, linked both ways.
 * Throws ValidationError (fields of the form) and writes nothing when a result is missing.
 */
export async function submitRun(deps: PatrolDeps, runId: number, actor: string, results: ItemResult[], runNote?: string): Promise<PatrolRunWithItems> {
  const { db, clock } = deps;
  const now = clock.now();
  const existing = await store.getRun(db, runId);
  if (!existing) throw new DomainError('not_found', 'patrol.not_found', { id: runId });
  const problems = rules.validateResults(existing.items.map((i) => i.position), results, runNote);
  if (Object.keys(problems).length > 0) throw new ValidationError(problems);
  let refused: DomainError | undefined;
  try {
    await db.transaction(async (tx) => {
      const run = (await store.lockRun(tx, runId))!;
      const problem = submitProblem(run, actor);
      if (problem) throw (refused = problem);
      for (const r of results) {
        await store.recordItem(tx, runId, r.position, { status: r.status as 'ok' | 'abnormal', note: r.note?.trim() || null, recordedBy: actor, recordedAt: now });
      }
      await store.updateRun(tx, runId, { state: 'submitted', submittedBy: actor, submittedAt: now, note: runNote?.trim() || null });
      await deps.notify.changed(tx, (await store.getRun(tx, runId))!, { action: 'submit', actor });
    });
  } catch (err) {
    if (err === refused && refused?.kind === 'refused') await audit(db, { at: now, actor, action: 'patrol.submit', subject: `patrol:${runId}`, outcome: 'refused' });
    throw err;
  }
  deps.queued();
  await openAbnormalTickets(deps, runId);
  return (await store.getRun(db, runId))!;
}

/**
 * Opens the ticket of every abnormal item that has none yet. Safe to repeat: the ticket's request
 * key is the item, so an interrupted run finishes without a second ticket.
 */
export async function openAbnormalTickets(deps: PatrolDeps, runId: number): Promise<number> {
  const { db, config, tr } = deps;
  const run = await store.getRun(db, runId);
  if (!run) return 0;
  const checklist = findChecklist(config, run.checklist);
  const category = checklist?.category ?? (config.tickets.categories.includes('other') ? 'other' : config.tickets.categories[0]!);
  const location = await postedLocation(db, patrolMessageKey(run.id));
  const link = location ? `https://slack.com/archives/${location.channel}/p${location.ts.replace('.', '')}` : '';
  let opened = 0;
  for (const item of run.items.filter((i) => i.status === 'abnormal' && !i.ticketId)) {
    const origin = tr('patrol.ticket.origin', { name: run.checklist, date: run.runDate, position: item.position, item: item.label, link });
    const ticket = await openTicket(
      deps.tickets,
      {
        newCustomerName: checklist?.customer ?? 'Internal IT',
        category,
        priority: checklist?.priority ?? 'P3',
        title: truncate(tr('patrol.ticket.title', { name: run.checklist, item: item.label }), TICKET_LIMITS.title),
        description: truncate(`${item.note ?? ''}\n\n${origin}`.trim(), TICKET_LIMITS.description),
      },
      item.recordedBy ?? run.submittedBy ?? SYSTEM_ACTOR,
      { requestKey: `patrol-item:${item.id}`, origin: location ? { channel: location.channel, messageTs: location.ts } : undefined },
    );
    await db.transaction(async (tx) => {
      if (!(await store.linkTicket(tx, item.id, ticket.id))) return;
      opened++;
      await deps.notify.ticketOpened(tx, (await store.getRun(tx, run.id))!, { position: item.position, label: item.label, ticketKey: ticket.key });
    });
  }
  if (opened > 0) deps.queued();
  return opened;
}

/**
 * The `patrol-watch` job: a reminder at the deadline (to the claimer, or the channel when nobody
 * claimed the run), an escalation `escalate_after` later. Each once per run, whatever the replicas.
 * Also finishes submits interrupted before their tickets were opened.
 */
export async function watchPatrols(deps: PatrolDeps, now: Date): Promise<{ reminded: number; escalated: number; tickets: number }> {
  const counts = { reminded: 0, escalated: 0, tickets: 0 };
  for (const run of await store.listRunsToAlert(deps.db, now, 200)) {
    const due = rules.alertsDue(run, now);
    if (!due.reminder && !due.escalation) continue;
    await deps.db.transaction(async (tx) => {
      if (due.reminder && (await store.markAlert(tx, run.id, 'remindedAt', now))) {
        await deps.notify.reminder(tx, run);
        counts.reminded++;
      }
      if (due.escalation && (await store.markAlert(tx, run.id, 'escalatedAt', now))) {
        await deps.notify.escalation(tx, run);
        counts.escalated++;
      }
    });
  }
  for (const runId of await store.listRunsWithUnlinkedItems(deps.db, 20)) counts.tickets += await openAbnormalTickets(deps, runId);
  if (counts.reminded + counts.escalated > 0) deps.queued();
  return counts;
}

/** Today's runs (in the team's zone), for `/patrol` and the Home tab. */
export async function todaysRuns(deps: Pick<PatrolDeps, 'db' | 'clock' | 'config'>): Promise<{ date: string; runs: PatrolRunWithItems[] }> {
  const date = DateTime.fromJSDate(deps.clock.now(), { zone: deps.config.timezone }).toISODate()!;
  return { date, runs: await store.listRunsOn(deps.db, date) };
}

/** The last `limit` runs of a checklist, newest first. */
export async function runHistory(deps: Pick<PatrolDeps, 'db' | 'config'>, name: string, limit = 30): Promise<{ checklist: Checklist; runs: PatrolRunWithItems[] }> {
  const checklist = requireChecklist(deps.config, name);
  return { checklist, runs: await store.listHistory(deps.db, checklist.name, limit) };
}
