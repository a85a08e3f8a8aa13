// The SLA sweep (SPEC §3.5), the P1 urgent path and consented extensions (SPEC §3.1).
import type { Db } from '../../platform/db.js';
import { DomainError, ValidationError } from '../../platform/errors.js';
import { getTicket, insertEvent, lockTicket, updateTicket, type TicketWithCustomer } from '../tickets/tickets.store.js';
import { calendarOf, checkAction, type TicketDeps } from '../tickets/tickets.service.js';
import * as rules from './sla.rules.js';
import { insertExtension, lockTicketsDue, recordAlerts } from './sla.store.js';
import { sweepStages, type StageCounts, type StageSweep } from './stage-sweep.js';
import type { OutboxMessage } from '../../outbox/outbox.js';

/** A stage to announce, as the notifier needs it. */
export interface SlaAlert {
  ticket: TicketWithCustomer;
  target: rules.SlaTargetName;
  stage: rules.SlaStage;
  dueAt: Date;
  now: Date;
}

/** How SLA news reaches Slack: the messages to queue for a stage, and the urgent path. */
export interface SlaNotifier {
  stageMessages(alert: SlaAlert): OutboxMessage[];
  urgent(tx: Db, ticket: TicketWithCustomer): Promise<void>;
}

export interface SlaDeps {
  tickets: TicketDeps;
  notify: SlaNotifier;
}

/**
 * One sweep as of `now`: every ticket whose next stage has come gets its due stages recorded and
 * announced, each (ticket, target, stage) once ever (see stage-sweep.ts). Returns the counts for
 * job_runs.
 */
export async function sweep(deps: SlaDeps, now: Date, batch = 500): Promise<StageCounts> {
  const counts = await sweepStages(deps.tickets.db, ticketStages(deps), now, () => deps.tickets.clock.now(), batch);
  if (counts.warnings + counts.breaches > 0) deps.tickets.queued();
  return counts;
}

/** The tickets' part of the sweep: their two targets, their alerts table, their messages. */
function ticketStages(deps: SlaDeps): StageSweep<TicketWithCustomer, rules.SlaTargetName> {
  return {
    table: 'tickets',
    lockDue: lockTicketsDue,
    dueStages: (t, now) => rules.dueStages(t, now).map((s) => ({ ...s, dueAt: s.target === 'response' ? t.responseDueAt : t.resolutionDueAt })),
    markPosted: rules.markPosted,
    nextCheckAt: rules.nextCheckAt,
    record: async (tx, stages) =>
      (await recordAlerts(tx, stages.map(({ id, stage: s, postedAt }) => ({ ticketId: id, target: s.target, stage: s.stage, dueAt: s.dueAt, stageAt: s.at, postedAt })))).map(
        ({ ticketId, ...a }) => ({ id: ticketId, ...a }),
      ),
    messages: (ticket, s, now) => deps.notify.stageMessages({ ticket, target: s.target, stage: s.stage, dueAt: s.dueAt, now }),
  };
}

/** The urgent path (特殊流程): a new P1 goes to the escalation channel and the supervisors at once. */
export function urgentHook(deps: SlaDeps) {
  return async (tx: Db, ticket: TicketWithCustomer) => {
    if (ticket.priority === 'P1') await deps.notify.urgent(tx, ticket);
  };
}

export interface ExtensionInput {
  plan: string;
  committedAt: Date | undefined;
  consentedBy: string;
  consentMethod: string;
  consentedAt: Date | undefined;
}

type ExtensionProblem = { key: 'error.required' | 'sla.error.committed_in_past' | 'error.consent_in_future' | 'error.too_long'; params?: Record<string, number> };

/** Field problems of an extension form (empty when it may be saved). */
export function validateExtension(input: ExtensionInput, now: Date): Record<string, ExtensionProblem> {
  const problems: Record<string, ExtensionProblem> = {};
  if (!input.plan.trim()) problems.plan = { key: 'error.required' };
  else if (input.plan.length > 2000) problems.plan = { key: 'error.too_long', params: { max: 2000 } };
  if (!input.committedAt) problems.committed_at = { key: 'error.required' };
  else if (input.committedAt.getTime() <= now.getTime()) problems.committed_at = { key: 'sla.error.committed_in_past' };
  if (!input.consentedBy.trim()) problems.consented_by = { key: 'error.required' };
  if (!input.consentMethod.trim()) problems.consent_method = { key: 'error.required' };
  if (input.consentedAt && input.consentedAt.getTime() > now.getTime() + 60_000) problems.consented_at = { key: 'error.consent_in_future' };
  return problems;
}

/**
 * Extend: a technical plan, a new committed time and the customer's consent move the resolution due
 * time. A breach already posted stays on record (sla_alerts) and in reports.
 */
export async function extendTicket(deps: SlaDeps, ticketId: number, actor: string, input: ExtensionInput, version?: number): Promise<TicketWithCustomer> {
  const { db, clock, config } = deps.tickets;
  const now = clock.now();
  const problems = validateExtension(input, now);
  if (Object.keys(problems).length > 0) throw new ValidationError(problems);
  const result = await db.transaction(async (tx) => {
    const t = await lockTicket(tx, ticketId);
    if (!t) throw new DomainError('not_found', 'ticket.not_found', { key: String(ticketId) });
    const problem = checkAction(config, t, actor, 'extend', version);
    if (problem) throw problem;
    const calendar = calendarOf(deps.tickets, t.slaCalendar);
    // While paused the stored due time is stale: what is replaced is the due time as of now.
    const previousDueAt = rules.resolutionDueAsOf(calendar, t, now);
    const breached = (t.slaPosted & rules.STAGE_BIT['resolution:breach']) !== 0 || previousDueAt.getTime() <= now.getTime();
    const moved = rules.extend(calendar, t, now, input.committedAt!);
    await insertExtension(tx, {
      ticketId: t.id,
      plan: input.plan.trim(),
      previousDueAt,
      committedAt: input.committedAt!,
      consentedBy: input.consentedBy.trim(),
      consentMethod: input.consentMethod,
      consentedAt: input.consentedAt ?? now,
      breachedBefore: breached,
      recordedBy: actor,
      recordedAt: now,
    });
    await updateTicket(tx, t.id, { ...moved, nextCheckAt: rules.nextCheckAt({ ...t, ...moved }), updatedAt: now });
    await insertEvent(tx, { ticketId: t.id, at: now, actor, kind: 'extend', fromState: t.state, toState: t.state, note: input.plan.trim(), data: { previousDueAt: previousDueAt.toISOString(), committedAt: input.committedAt!.toISOString(), consentedBy: input.consentedBy.trim() } });
    const updated = (await getTicket(tx, t.id))!;
    await deps.tickets.notify.changed(tx, updated, { action: 'extend', actor, from: t.state, to: t.state, note: input.plan.trim(), committedAt: input.committedAt!, consentedBy: input.consentedBy.trim() });
    return updated;
  });
  deps.tickets.queued();
  return result;
}
