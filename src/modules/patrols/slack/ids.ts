// Every action_id, callback_id and block_id of the patrol flows, named once.

export const PATROL_ACTIONS = {
  claim: 'patrol.claim',
  record: 'patrol.record',
} as const;

export const PATROL_VIEWS = {
  submit: 'patrol.submit',
} as const;

/** The element inside every input block has this action id; the block id tells them apart. */
export const INPUT = 'value';
