/** Audit actions: dotted verbs, one per kind of change. Records name exactly one of these. */
export const AUDIT_ACTIONS = [
  'auth.setup',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.login_throttled',
  'auth.totp_setup',
  'auth.totp_enable',
  'auth.totp_disable',
  'session.revoke',
  'token.create',
  'token.revoke',
  'host.create',
  'host.update',
  'host.delete',
  'registry.create',
  'registry.update',
  'registry.delete',
  'registry.access',
  'registry.tag_delete',
  'engine.call',
  'user.create',
  'user.update',
  'user.disable',
  'user.enable',
  'user.delete',
  'team.create',
  'team.delete',
  'team.member_add',
  'team.member_remove',
  'role.create',
  'role.update',
  'role.delete',
  'grant.create',
  'grant.delete',
  'policy.update',
  'audit.export',
  'audit.prune',
  'container.create',
  'container.start',
  'container.stop',
  'container.restart',
  'container.kill',
  'container.pause',
  'container.unpause',
  'container.remove',
  'container.rename',
  'container.update',
  'container.recreate',
  'container.exec_start',
  'container.exec_end',
  'container.attach_start',
  'container.attach_end',
  'image.pull',
  'image.push',
  'image.tag',
  'image.remove',
  'image.prune',
  'network.create',
  'network.remove',
  'network.prune',
  'network.connect',
  'network.disconnect',
  'volume.create',
  'volume.remove',
  'volume.prune',
  'plugin.install',
  'plugin.enable',
  'plugin.disable',
  'plugin.configure',
  'plugin.upgrade',
  'plugin.remove',
  'system.prune',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * How a change ended. `unknown`: the engine was asked but its answer never came back (the server
 * stopped, or the connection broke after the request went out), and the engine could not tell
 * afterwards either; the change may or may not have happened.
 */
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied', 'unknown'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export function isAuditAction(name: string): name is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(name);
}
