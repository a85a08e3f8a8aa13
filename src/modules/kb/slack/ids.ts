// Every action_id, callback_id and block_id of the knowledge base, named once. The Publish to KB
// button on a ticket is the tickets module's (TICKET_ACTIONS.publishKb); this module answers it.

export const KB_ACTIONS = {
  share: 'kb.share',
  edit: 'kb.edit',
  history: 'kb.history',
  retire: 'kb.retire',
} as const;

export const KB_VIEWS = {
  article: 'kb.article',
} as const;

/** Block ids of the article form. */
export const KB_FORM = {
  title: 'title',
  symptom: 'symptom',
  cause: 'cause',
  fix: 'fix',
  product: 'product',
  faultCategory: 'fault_category',
  tags: 'tags',
} as const;
