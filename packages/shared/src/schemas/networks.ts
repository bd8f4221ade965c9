import { z } from 'zod';
import { cidrContains, cidrContainsIp, parseCidr, parseIp } from '../cidr.js';
import { ZLabels, ZNetworkAttachment } from './containers.js';

/** The drivers a network can be created with from the dashboard and the REST API. */
export const NETWORK_DRIVERS = ['bridge', 'overlay', 'macvlan', 'ipvlan'] as const;
export type TNetworkDriver = (typeof NETWORK_DRIVERS)[number];

/** Modes of the drivers that sit on a parent interface. */
export const MACVLAN_MODES = ['bridge', 'vepa', 'private', 'passthru'] as const;
export const IPVLAN_MODES = ['l2', 'l3', 'l3s'] as const;

/** Networks every engine has; they are shown but cannot be created or removed. */
export const BUILT_IN_NETWORK_NAMES = ['bridge', 'host', 'none'] as const;

const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** A Linux interface name (`eth0`, `eth0.10`, `v-berth`). */
const INTERFACE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.:@-]{0,14}$/;

const ZOptions = z.record(
  z.string().min(1, 'an option name cannot be empty').max(256, 'at most 256 characters'),
  z.string().max(4096, 'at most 4096 characters'),
);

const cidr = (example: string) =>
  z
    .string()
    .trim()
    .refine((text) => parseCidr(text) !== null, `a range in CIDR form like ${example}`);

export const ZCreateNetworkRequest = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'required')
      .max(128, 'at most 128 characters')
      .regex(NETWORK_NAME, 'letters, digits, dot, dash and underscore; not starting with a sign'),
    driver: z.enum(NETWORK_DRIVERS).default('bridge'),
    /** macvlan and ipvlan: the host interface the network sits on. */
    parent: z
      .string()
      .trim()
      .regex(INTERFACE_NAME, 'an interface name like eth0 or eth0.10')
      .optional(),
    /** macvlan: bridge, vepa, private, passthru; ipvlan: l2, l3, l3s. */
    mode: z.string().trim().optional(),
    subnet: cidr('172.30.0.0/24').optional(),
    gateway: z
      .string()
      .trim()
      .refine((text) => parseIp(text) !== null, 'an IP address like 172.30.0.1')
      .optional(),
    ipRange: cidr('172.30.0.128/25').optional(),
    internal: z.boolean().default(false),
    /** overlay: standalone containers may join it too, not only services. */
    attachable: z.boolean().default(false),
    ipv6: z.boolean().default(false),
    /** Driver options (`-o key=value`). */
    options: ZOptions.default({}),
    labels: ZLabels.default({}),
  })
  .superRefine((request, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if ((BUILT_IN_NETWORK_NAMES as readonly string[]).includes(request.name)) {
      issue('name', `${request.name} is a network every engine has`);
    }
    const onParent = request.driver === 'macvlan' || request.driver === 'ipvlan';
    if (onParent && !request.parent) {
      issue('parent', `a ${request.driver} network needs a parent interface`);
    }
    if (!onParent && request.parent) {
      issue('parent', 'only macvlan and ipvlan networks sit on a parent interface');
    }
    if (request.mode) {
      const modes: readonly string[] =
        request.driver === 'macvlan'
          ? MACVLAN_MODES
          : request.driver === 'ipvlan'
            ? IPVLAN_MODES
            : [];
      if (modes.length === 0) issue('mode', 'only macvlan and ipvlan networks have a mode');
      else if (!modes.includes(request.mode)) issue('mode', `one of ${modes.join(', ')}`);
    }
    if (request.attachable && request.driver !== 'overlay') {
      issue('attachable', 'only overlay networks are made attachable');
    }
    checkAddressing(request, issue);
  });
export type TCreateNetworkRequest = z.infer<typeof ZCreateNetworkRequest>;
export type TCreateNetworkInput = z.input<typeof ZCreateNetworkRequest>;

/** Gateway and IP range must lie inside the subnet, and need one. */
function checkAddressing(
  request: { subnet?: string; gateway?: string; ipRange?: string; ipv6: boolean },
  issue: (path: string, message: string) => void,
): void {
  const subnet = request.subnet ? parseCidr(request.subnet) : null;
  if (!subnet) {
    if (request.gateway) issue('gateway', 'a gateway needs a subnet');
    if (request.ipRange) issue('ipRange', 'an IP range needs a subnet');
    return;
  }
  if (subnet.family === 6 && !request.ipv6) issue('ipv6', 'an IPv6 subnet needs IPv6 turned on');
  if (request.gateway && parseIp(request.gateway) && !cidrContainsIp(subnet, request.gateway)) {
    issue('gateway', `the gateway ${request.gateway} is outside the subnet ${request.subnet}`);
  }
  const range = request.ipRange ? parseCidr(request.ipRange) : null;
  if (range && !cidrContains(subnet, range)) {
    issue('ipRange', `the IP range ${request.ipRange} is outside the subnet ${request.subnet}`);
  }
}

export const ZCreateNetworkResponse = z.object({ id: z.string(), name: z.string() });
export type TCreateNetworkResponse = z.infer<typeof ZCreateNetworkResponse>;

export const ZNetworkIpamConfig = z.object({
  subnet: z.string().nullable(),
  gateway: z.string().nullable(),
  ipRange: z.string().nullable(),
});

/** A container on a network, with the addresses it has there. */
export const ZNetworkEndpoint = z.object({
  id: z.string(),
  name: z.string(),
  ipv4Address: z.string().nullable(),
  ipv6Address: z.string().nullable(),
  macAddress: z.string().nullable(),
});
export type TNetworkEndpoint = z.infer<typeof ZNetworkEndpoint>;

/** `GET /api/hosts/:hostId/networks/:id`: a network as its detail view shows it. */
export const ZNetworkDetail = z.object({
  id: z.string(),
  hostId: z.string(),
  name: z.string(),
  driver: z.string(),
  scope: z.string(),
  internal: z.boolean(),
  attachable: z.boolean(),
  ipv6: z.boolean(),
  /** bridge, host and none: every engine has them; they cannot be removed. */
  builtIn: z.boolean(),
  createdAt: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.string()),
  ipam: z.object({
    driver: z.string(),
    config: z.array(ZNetworkIpamConfig),
    options: z.record(z.string(), z.string()),
  }),
  containers: z.array(ZNetworkEndpoint),
});
export type TNetworkDetail = z.infer<typeof ZNetworkDetail>;

export const ZConnectNetworkRequest = z.object({
  /** The container's id, name or id prefix. */
  container: z.string().trim().min(1, 'required').max(256, 'at most 256 characters'),
  aliases: ZNetworkAttachment.shape.aliases,
  ipv4Address: z.ipv4({ error: 'an IPv4 address like 172.30.0.5' }).optional(),
  ipv6Address: z.ipv6({ error: 'an IPv6 address like fd00::5' }).optional(),
});
export type TConnectNetworkRequest = z.infer<typeof ZConnectNetworkRequest>;
export type TConnectNetworkInput = z.input<typeof ZConnectNetworkRequest>;

export const ZDisconnectNetworkRequest = z.object({
  container: z.string().trim().min(1, 'required').max(256, 'at most 256 characters'),
  /** Disconnect even a container that is not running properly. */
  force: z.boolean().default(false),
});
export type TDisconnectNetworkRequest = z.infer<typeof ZDisconnectNetworkRequest>;

/** A prune limited to what carries a label (`key` or `key=value`); several labels must all match. */
export const ZPruneQuery = z.object({
  label: z
    .string()
    .trim()
    .regex(/^[^=\s]+(=.*)?$/, 'a label key, or key=value')
    .optional(),
});
export type TPruneQuery = z.infer<typeof ZPruneQuery>;

/** What a prune removed (names), and for volumes the space given back. */
export const ZPruneResponse = z.object({
  removed: z.array(z.string()),
  spaceReclaimed: z.number().int().min(0),
});
export type TPruneResponse = z.infer<typeof ZPruneResponse>;
