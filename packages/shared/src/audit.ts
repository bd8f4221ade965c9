/** Audit actions: dotted verbs, one per kind of change. Records name exactly one of these. */
export const AUDIT_ACTIONS = [
  'auth.setup',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'token.create',
  'token.revoke',
  'host.create',
  'host.update',
  'host.delete',
  'registry.create',
  'registry.update',
  'registry.delete',
  'engine.call',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditOutcome = 'success' | 'failure' | 'denied';
