import type { Config } from '../config/config.js';

export type Role = 'admin' | 'supervisor' | 'dispatcher' | 'engineer';

/**
 * The roles of a Slack user from `opsdesk.yml` `roles`. Admins are also supervisors. An empty
 * `engineers` list means every member of the workspace may work tickets (a team that has not
 * listed its engineers yet is not locked out); supervisors and dispatchers must be listed.
 */
export function rolesOf(roles: Config['roles'], userId: string): Set<Role> {
  const out = new Set<Role>();
  if (roles.admins.includes(userId)) out.add('admin').add('supervisor');
  if (roles.supervisors.includes(userId)) out.add('supervisor');
  if (roles.dispatchers.includes(userId)) out.add('dispatcher');
  if (roles.engineers.length === 0 || roles.engineers.includes(userId) || out.size > 0) out.add('engineer');
  return out;
}

/** Supervisors, dispatchers and admins: those who hand out and re-assign work (handbook 工作制度 3). */
export function canDispatch(roles: Config['roles'], userId: string): boolean {
  const r = rolesOf(roles, userId);
  return r.has('supervisor') || r.has('dispatcher');
}
