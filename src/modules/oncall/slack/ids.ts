// Every action_id, callback_id and block_id of the on-call flows, named once.

export const ONCALL_ACTIONS = {
  /** The rotation select of the swap form (dispatches, so the shift list follows the rotation). */
  swapRotation: 'oncall.swap.rotation',
  coverAccept: 'oncall.cover.accept',
  coverDecline: 'oncall.cover.decline',
  /** In the outgoing engineer's shift reminder. */
  addNote: 'oncall.note.add',
  acknowledge: 'oncall.handover.ack',
  pageTake: 'oncall.page.take',
  pageDecline: 'oncall.page.decline',
} as const;

export const ONCALL_VIEWS = {
  swap: 'oncall.swap',
  note: 'oncall.note',
  acknowledge: 'oncall.ack',
} as const;

/** Block ids of the on-call forms; the service's field names are the same. */
export const ONCALL_FORM = {
  rotation: 'rotation',
  shift: 'shift',
  cover: 'cover',
  note: 'note',
  move: 'move',
} as const;

/** The element inside input blocks (the block id tells them apart). */
export const INPUT = 'value';

/** The actions block of a handover message: removed once it is acknowledged. */
export const HANDOVER_ACTIONS_BLOCK = 'oncall.handover.actions';
export const HANDOVER_RULES_BLOCK = 'oncall.handover.rules';

/** The outbox key of a handover thread's message; replies and updates target it. */
export const handoverMessageKey = (id: number) => `oncall-handover:${id}`;
