// Every action_id, callback_id and block_id of the visit-order flows, named once.
import type { VisitAction } from '../visits.rules.js';

/** The buttons of an order's dispatch message (the customer's `confirm` has no button: it is the web page). */
export const VISIT_ACTIONS: Record<Exclude<VisitAction, 'confirm'>, string> & { phone: string } = {
  accept: 'visit.accept',
  decline: 'visit.decline',
  reassign: 'visit.reassign',
  confirm_window: 'visit.confirm_window',
  late: 'visit.late',
  unreachable: 'visit.unreachable',
  left_note: 'visit.left_note',
  arrive: 'visit.arrive',
  complete: 'visit.complete',
  new_link: 'visit.new_link',
  callback: 'visit.callback',
  archive: 'visit.archive',
  cancel: 'visit.cancel',
  phone: 'visit.phone',
};

export const VISIT_VIEWS = {
  create: 'visit.create',
  decline: 'visit.decline',
  reassign: 'visit.reassign',
  confirmWindow: 'visit.confirm_window',
  late: 'visit.late',
  unreachable: 'visit.unreachable',
  leftNote: 'visit.left_note',
  complete: 'visit.complete',
  callback: 'visit.callback',
  cancel: 'visit.cancel',
} as const;

/** Block ids of the visit forms; the services' field names are the same. */
export const VFORM = {
  address: 'address',
  contactName: 'contact_name',
  contactPhone: 'contact_phone',
  need: 'need',
  windowStart: 'window_start',
  agreed: 'agreed',
  reason: 'reason',
  detail: 'detail',
  eta: 'eta',
  newWindow: 'new_window',
  told: 'told',
  callResult: 'call_result',
  calledAt: 'called_at',
  leftAt: 'left_at',
  where: 'where',
  notePhone: 'note_phone',
  workDone: 'work_done',
  parts: 'parts',
  result: 'result',
  followUp: 'follow_up',
  followUpNote: 'follow_up_note',
  engineer: 'engineer',
  person: 'person',
  rating: 'rating',
  comment: 'comment',
} as const;

/** The element inside every input block has this action id; the block id tells them apart. */
export const VINPUT = 'value';

/** The outbox key of an order's dispatch message; replies and updates target it. */
export const visitMessageKey = (orderId: number) => `visit:${orderId}`;
