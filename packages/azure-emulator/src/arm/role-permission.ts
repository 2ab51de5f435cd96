// One permission block of a role definition (actions, notActions, dataActions, notDataActions),
// shared by the built-in role tables (role-definitions.ts, data-plane-roles.ts).
export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}
