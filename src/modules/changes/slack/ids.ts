// Every action_id, callback_id and block_id of the change flows, named once.
import type { ChangeAction } from '../changes.rules.js';

export const CHANGE_ACTIONS: Record<ChangeAction, string> = {
  approve: 'change.approve',
  reject: 'change.reject',
  schedule: 'change.schedule',
  start: 'change.start',
  finish: 'change.finish',
  verify: 'change.verify',
  rollback: 'change.rollback',
  cancel: 'change.cancel',
  follow_up: 'change.follow_up',
};

export const CHANGE_VIEWS = {
  create: 'change.create',
  reject: 'change.reject',
  cancel: 'change.cancel',
  verify: 'change.verify',
  rollback: 'change.rollback',
} as const;

/** The message shortcut "Request a change": on a ticket's message it links the ticket. */
export const REQUEST_CHANGE_SHORTCUT = 'request_change';

/** Block ids of the change form; the rules' field names are the same. */
export const FORM = {
  title: 'title',
  systems: 'systems',
  description: 'description',
  reason: 'reason',
  risk: 'risk',
  impact: 'impact',
  testEvidence: 'test_evidence',
  plan: 'plan',
  rollback: 'rollback',
  windowStart: 'window_start',
  windowEnd: 'window_end',
  implementer: 'implementer',
  ticket: 'ticket',
  emergency: 'emergency',
  emergencyReason: 'emergency_reason',
  checked: 'checked',
  outcome: 'outcome',
  happened: 'happened',
  why: 'why',
} as const;

/** The outbox key of a change's channel message; replies and updates target it. */
export const changeMessageKey = (changeId: number) => `change:${changeId}`;
