export const HOME_ACTIONS = {
  newTicket: 'home.new_ticket',
  locale: 'home.locale',
  refresh: 'home.refresh',
} as const;
