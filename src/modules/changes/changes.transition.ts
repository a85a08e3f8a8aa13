// The one path every change of a change request takes (SPEC §3.6): lock the row, refuse stale
// clicks, check the state and the actor's role with the rules, apply, record the event and the
// audit row, and queue the Slack messages — all in one transaction. A refusal changes nothing and
// leaves an audit row.
import type { Config } from '../../config/config.js';
import { audit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { DomainError } from '../../platform/errors.js';
import type { Translate } from '../../platform/i18n.js';
import { rolesOf } from '../../platform/roles.js';
import type { TicketDeps } from '../tickets/index.js';
import { canStart, nextState, refusal, type ChangeAction, type ChangeState, type WatchStage } from './changes.rules.js';
import { changeView, conflictsOf, type ChangeRef, type ChangeView } from './changes.queries.js';
import * as store from './changes.store.js';
import type { Change, NewChangeRow } from './changes.store.js';

/** A step as the thread reply tells it. */
export interface ChangeStep {
  action: ChangeAction | 'submitted';
  actor: string;
  at: Date;
  from: ChangeState;
  to: ChangeState;
  note?: string;
  /** For approvals: how many different supervisors approved, and how many are needed. */
  approvals?: { count: number; needed: number };
  /** Changes whose messages must be re-rendered (a closed change no longer conflicts with them). */
  released?: ChangeRef[];
}

/** How the domain tells Slack: implementations queue outbox rows in the given transaction. */
export interface ChangeNotifier {
  submitted(tx: Db, change: ChangeView): Promise<void>;
  changed(tx: Db, change: ChangeView, step: ChangeStep): Promise<void>;
  /** A change-watch notice; returns how many messages were queued. */
  watch(tx: Db, change: ChangeView, stage: WatchStage, now: Date): Promise<number>;
}

export interface ChangeDeps {
  db: Db;
  clock: Clock;
  config: Config;
  /** The workspace language, for what the change writes into other modules (a follow-up ticket). */
  tr: Translate;
  /** Tickets: linked tickets, and the ticket a rollback may open. */
  tickets: TicketDeps;
  notify: ChangeNotifier;
  /** Called after a commit that queued messages, to wake the outbox worker. */
  queued: () => void;
}

/** The actor recorded for what opsdesk does by itself (change-watch). */
export const SYSTEM_ACTOR = 'opsdesk';

/** Decisions are checked against the change as it is, not the message's version (two approvers may click at once). */
const VERSIONLESS: readonly ChangeAction[] = ['approve', 'reject'];

/** The checks every action passes: a stale message, the state, the actor's role. */
export function checkChangeAction(config: Config, c: Change, actor: string, action: ChangeAction, version?: number): DomainError | undefined {
  if (version !== undefined && version !== c.version && !VERSIONLESS.includes(action)) {
    const done = nextState(action, c) === c.state;
    return new DomainError('conflict', done ? 'change.already_done' : 'change.stale', { key: c.key, state: c.state });
  }
  if (!canStart(action, c)) {
    if (action === 'approve' && c.approvedAt) return new DomainError('conflict', 'change.already_approved', { key: c.key });
    return new DomainError('invalid', 'change.invalid_transition', { key: c.key, state: c.state, action });
  }
  const why = refusal(action, c, actor, { isSupervisor: rolesOf(config.roles, actor).has('supervisor') });
  return why ? new DomainError('refused', why, { key: c.key }) : undefined;
}

const auditRefusal = (deps: ChangeDeps, actor: string, action: ChangeAction, id: number, key: string) =>
  audit(deps.db, { at: deps.clock.now(), actor, action: `change.${action}`, subject: `change:${id}`, outcome: 'refused', detail: { reason: key } });

/** Checks an action before its form is shown, so nobody fills in a form only to be refused (a refusal is audited). */
export async function prepareChangeAction(deps: ChangeDeps, id: number, actor: string, action: ChangeAction, version?: number): Promise<ChangeView> {
  const c = await store.getChange(deps.db, id);
  if (!c) throw new DomainError('not_found', 'change.not_found', { key: String(id) });
  const problem = checkChangeAction(deps.config, c, actor, action, version);
  if (problem?.kind === 'refused') await auditRefusal(deps, actor, action, id, problem.key);
  if (problem) throw problem;
  return (await changeView(deps, id))!;
}

/** What an action does beyond the state move the rules decide. */
export interface Apply {
  patch: Partial<NewChangeRow>;
  note?: string;
  data?: Record<string, unknown>;
  /** The state to go to when it is not the table's (an approval that is not the last one needed). */
  to?: ChangeState;
  approvals?: ChangeStep['approvals'];
}

/** The one transition: every button, form and job that changes a change request comes through here. */
export async function transition(
  deps: ChangeDeps,
  id: number,
  actor: string,
  action: ChangeAction,
  version: number | undefined,
  apply: (c: Change, tx: Db) => Apply | Promise<Apply>,
): Promise<ChangeView> {
  const now = deps.clock.now();
  let refused: DomainError | undefined;
  try {
    const view = await deps.db.transaction(async (tx) => {
      const c = await store.lockChange(tx, id);
      if (!c) throw new DomainError('not_found', 'change.not_found', { key: String(id) });
      refused = checkChangeAction(deps.config, c, actor, action, version);
      if (refused) throw refused;
      const step = await apply(c, tx);
      const to = step.to ?? nextState(action, c);
      await store.updateChange(tx, c.id, { ...step.patch, state: to, updatedAt: now });
      await store.insertEvent(tx, { changeId: c.id, at: now, actor, kind: action, fromState: c.state, toState: to, note: step.note ?? null, data: step.data ?? null });
      await audit(tx, { at: now, actor, action: `change.${action}`, subject: `change:${c.id}`, outcome: 'ok' });
      const updated = (await changeView(deps, c.id, tx))!;
      const released = isFinal(to) && !isFinal(c.state) ? await conflictsOf(tx, c) : undefined;
      await deps.notify.changed(tx, updated, { action, actor, at: now, from: c.state, to, note: step.note, approvals: step.approvals, released });
      return updated;
    });
    deps.queued();
    return view;
  } catch (err) {
    if (refused && err === refused && refused.kind === 'refused') await auditRefusal(deps, actor, action, id, refused.key);
    throw err;
  }
}

const isFinal = (s: ChangeState) => ['rejected', 'done', 'rolled_back', 'cancelled'].includes(s);
