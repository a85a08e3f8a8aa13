// Every table, for Drizzle's query builder and drizzle-kit. Each module owns its own *.table.ts.
export * from './audit.table.js';
export * from './counters.table.js';
export * from '../outbox/outbox.table.js';
export * from '../jobs/job-runs.table.js';
export * from '../modules/customers/customers.table.js';
export * from '../modules/tickets/tickets.table.js';
export * from '../modules/sla/sla.table.js';
export * from '../modules/home/home.table.js';
export * from '../modules/visits/visits.table.js';
export * from '../modules/oncall/oncall.table.js';
export * from '../modules/patrols/patrols.table.js';
export * from '../modules/reviews/reviews.table.js';
