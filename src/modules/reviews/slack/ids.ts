// Every action_id, callback_id and block_id of the review and daily-report flows, named once.

export const REVIEW_ACTIONS = {
  post: 'review.post',
  addProblems: 'daily.add_problems',
} as const;

export const REVIEW_VIEWS = {
  problems: 'daily.problems',
} as const;

export const PROBLEMS_FIELD = 'problems';

/** The element inside every input block has this action id; the block id tells them apart. */
export const INPUT = 'value';
