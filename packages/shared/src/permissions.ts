/**
 * The permission catalog: one entry per operation a user can be allowed to do on a host. REST
 * routes, gateway routes, socket subscriptions and webhooks all check against these names; no
 * permission string is written anywhere else.
 */
export const PERMISSIONS = {
  'host.view': 'See the host, its status and engine facts',
  'host.manage': 'Edit or remove the host and its security policy',
  'container.list': 'List containers',
  'container.inspect': 'Inspect a container, its processes, changes and ports',
  'container.logs': 'Read container logs',
  'container.stats': 'Read container resource usage',
  'container.exec': 'Run commands in a container and attach to it',
  'container.create': 'Create containers',
  'container.start': 'Start, unpause and restart containers',
  'container.stop': 'Stop, kill and pause containers',
  'container.update': 'Rename containers and change their resources',
  'container.delete': 'Remove containers',
  'container.files': 'Copy files into and out of containers',
  'image.list': 'List and inspect images',
  'image.pull': 'Pull images',
  'image.build': 'Build images',
  'image.push': 'Push and tag images',
  'image.delete': 'Remove and prune images',
  'network.list': 'List and inspect networks',
  'network.create': 'Create networks',
  'network.connect': 'Connect containers to networks and disconnect them',
  'network.delete': 'Remove and prune networks',
  'volume.list': 'List and inspect volumes',
  'volume.create': 'Create volumes',
  'volume.delete': 'Remove and prune volumes',
  'volume.browse': "Browse and download a volume's files (read-only)",
  'plugin.list': 'List and inspect plugins',
  'plugin.install': 'Install, enable, disable, configure and remove plugins',
  'system.info': 'Read engine info, version, disk usage and events',
  'system.prune': 'Prune unused data',
  'stack.list': 'List stacks',
  'stack.deploy': 'Deploy, redeploy and stop stacks',
  'stack.delete': 'Remove stacks',
  'swarm.view': 'See swarm nodes, services, tasks, secrets and configs',
  'swarm.manage': 'Change swarm services, nodes, secrets and configs',
  'registry.use': 'Pull and push with stored registry credentials',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(name: string): name is Permission {
  return Object.hasOwn(PERMISSIONS, name);
}
