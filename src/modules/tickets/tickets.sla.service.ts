// Tickets on the SLA (SPEC §3.1, §3.5): the sweep that posts warnings and breaches, the P1 urgent
// path, and consented extensions — an extension is a ticket action like any other, through the one
// transition with its guards, event and thread reply.
import type { Db } from '../../platform/db.js';
import { ValidationError } from '../../platform/errors.js';
import type { OutboxMessage } from '../../outbox/outbox.js';
import { slaRules as rules, sweepStages, type StageCounts, type StageSweep } from '../sla/index.js';
import type { TicketWithCustomer } from './tickets.store.js';
import { insertExtension, lockTicketsDue, recordAlerts } from './tickets.sla.store.js';
import { calendarOf, transition, type TicketCreatedHook, type TicketDeps } from './tickets.transition.js';

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
 * announced, each (ticket, target, stage) once ever (see sla/stage-sweep.ts). Returns the counts for
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
export function urgentHook(notify: Pick<SlaNotifier, 'urgent'>): TicketCreatedHook {
  return async (tx: Db, ticket: TicketWithCustomer) => {
    if (ticket.priority === 'P1') await notify.urgent(tx, ticket);
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
export async function extendTicket(deps: Pick<SlaDeps, 'tickets'>, ticketId: number, actor: string, input: ExtensionInput, version?: number): Promise<TicketWithCustomer> {
  const tickets = deps.tickets;
  const now = tickets.clock.now();
  const problems = validateExtension(input, now);
  if (Object.keys(problems).length > 0) throw new ValidationError(problems);
  const plan = input.plan.trim();
  const consentedBy = input.consentedBy.trim();
  const committedAt = input.committedAt!;
  return transition(tickets, ticketId, actor, 'extend', version, async (t, tx) => {
    const calendar = calendarOf(tickets, t.slaCalendar);
    // While paused the stored due time is stale: what is replaced is the due time as of now.
    const previousDueAt = rules.resolutionDueAsOf(calendar, t, now);
    const breached = (t.slaPosted & rules.STAGE_BIT['resolution:breach']) !== 0 || previousDueAt.getTime() <= now.getTime();
    await insertExtension(tx, {
      ticketId: t.id,
      plan,
      previousDueAt,
      committedAt,
      consentedBy,
      consentMethod: input.consentMethod,
      consentedAt: input.consentedAt ?? now,
      breachedBefore: breached,
      recordedBy: actor,
      recordedAt: now,
    });
    return {
      patch: rules.extend(calendar, t, now, committedAt),
      note: plan,
      data: { previousDueAt: previousDueAt.toISOString(), committedAt: committedAt.toISOString(), consentedBy },
      change: { committedAt, consentedBy },
    };
  });
}
