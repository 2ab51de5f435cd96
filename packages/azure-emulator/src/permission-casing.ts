// How the emulator stores access-policy permissions (a leaf module: the core's configuration and
// the access-policy handlers both need it).
/** How stored permissions are spelt: Key Vault's own (`Get`), or exactly as the caller sent them. */
export type PermissionCasing = 'service' | 'as-sent';
