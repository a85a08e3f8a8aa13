// The customers module's front door: the customer base (pick or create by name, search) and the
// phone-number rules every module shares (normalise, mask — 不准传播客户信息).
export { findOrCreateCustomer, getCustomer, searchCustomers, type Customer } from './customers.store.js';
export { maskPhone, normalizePhone } from './phone.rules.js';
export { customers } from './customers.table.js';
