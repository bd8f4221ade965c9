import { PERMISSION_NAMES, type Permission } from './permissions.js';

/** Roles that come with Berth. Custom roles (any set of permissions under a name) are stored. */
export const BUILT_IN_ROLES = [
  'host-admin',
  'operator',
  'helpdesk',
  'read-only',
  'standard',
] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

const READ: Permission[] = [
  'host.view',
  'container.list',
  'container.inspect',
  'image.list',
  'network.list',
  'volume.list',
  'plugin.list',
  'system.info',
  'stack.list',
  'swarm.view',
];

export interface RoleDefinition {
  name: string;
  description: string;
  permissions: readonly Permission[];
  /** Standard users act only on resources they or their team own (by labels); lists are filtered. */
  ownedOnly: boolean;
}

export const ROLE_DEFINITIONS: Record<BuiltInRole, RoleDefinition> = {
  'host-admin': {
    name: 'Host admin',
    description: 'Everything on the host',
    permissions: PERMISSION_NAMES,
    ownedOnly: false,
  },
  operator: {
    name: 'Operator',
    description: 'Start, stop, restart, logs, exec and redeploy; no create or delete',
    permissions: [
      ...READ,
      'container.logs',
      'container.stats',
      'container.exec',
      'container.start',
      'container.stop',
      'stack.deploy',
    ],
    ownedOnly: false,
  },
  helpdesk: {
    name: 'Helpdesk',
    description: 'Read everything and the logs; no exec, no changes',
    permissions: [...READ, 'container.logs', 'container.stats'],
    ownedOnly: false,
  },
  'read-only': {
    name: 'Read-only',
    // Logs are read as Portainer's read-only users read them; stats, exec and changes stay out.
    description: 'Lists, inspect and logs only',
    permissions: [...READ, 'container.logs'],
    ownedOnly: false,
  },
  standard: {
    name: 'Standard user',
    description:
      'Full control of the containers, networks, volumes and stacks they or their team own',
    permissions: [
      ...READ,
      'container.logs',
      'container.stats',
      'container.exec',
      'container.create',
      'container.start',
      'container.stop',
      'container.update',
      'container.delete',
      'container.files',
      'image.pull',
      'network.create',
      'network.connect',
      'network.delete',
      'volume.create',
      'volume.delete',
      'volume.browse',
      'stack.deploy',
      'stack.delete',
      'registry.use',
    ],
    ownedOnly: true,
  },
};

export function isBuiltInRole(role: string): role is BuiltInRole {
  return (BUILT_IN_ROLES as readonly string[]).includes(role);
}
