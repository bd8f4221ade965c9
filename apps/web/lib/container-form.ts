import {
  BERTH_LABELS,
  RESTART_POLICIES,
  ZCreateContainerRequest,
  type TCreateContainerInput,
  type TCreateContainerRequest,
  type TContainerInspect,
} from '@berth/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import type { FieldErrors as HookFormErrors, Resolver } from 'react-hook-form';
import type { FieldErrors } from './field-errors';
import { readInspect } from './container-inspect';
import { withFormChecks } from './form-errors';

/*
 * The create form (react-hook-form) holds plain strings and row lists; `toCreateContainerInput`
 * turns them into the request, which `containerFormResolver` checks with ZCreateContainerRequest
 * itself, so the form and the API agree on every rule. Field errors, the schema's and the API's,
 * come back under the request's paths (`ports.1.hostPort`), which are the form's row paths too.
 */

export type Protocol = 'tcp' | 'udp' | 'sctp';
export type PullPolicy = 'missing' | 'always' | 'never';
export type RestartPolicyName = '' | (typeof RESTART_POLICIES)[number];
export type HealthcheckKind = 'image' | 'CMD' | 'CMD-SHELL' | 'NONE';

/** Each row has a stable `key` for React; it never reaches the request. */
export interface EnvRow {
  key: string;
  name: string;
  value: string;
  secret: boolean;
}

export interface PortRow {
  key: string;
  hostIp: string;
  hostPort: string;
  containerPort: string;
  protocol: Protocol;
}

export interface MountRow {
  key: string;
  type: 'volume' | 'bind';
  source: string;
  target: string;
  readOnly: boolean;
}

export interface NetworkRow {
  key: string;
  name: string;
  /** Comma-separated. */
  aliases: string;
  ipv4Address: string;
}

export interface PairRow {
  key: string;
  name: string;
  value: string;
}

export interface ContainerFormValues {
  hostId: string;
  image: string;
  pull: PullPolicy;
  name: string;
  cmd: string;
  entrypoint: string;
  start: boolean;
  tty: boolean;
  interactive: boolean;
  env: EnvRow[];
  ports: PortRow[];
  volumes: MountRow[];
  networks: NetworkRow[];
  restartPolicy: RestartPolicyName;
  maximumRetryCount: string;
  cpus: string;
  memory: string;
  labels: PairRow[];
  user: string;
  workingDir: string;
  hostname: string;
  healthcheckKind: HealthcheckKind;
  healthcheckTest: string;
  healthcheckInterval: string;
  healthcheckTimeout: string;
  healthcheckStartPeriod: string;
  healthcheckRetries: string;
  logDriver: string;
  logOptions: PairRow[];
}

let rowCounter = 0;
export function rowKey(): string {
  rowCounter += 1;
  return `row-${rowCounter}`;
}

export const newEnvRow = (): EnvRow => ({ key: rowKey(), name: '', value: '', secret: false });
export const newPortRow = (): PortRow => ({
  key: rowKey(),
  hostIp: '',
  hostPort: '',
  containerPort: '',
  protocol: 'tcp',
});
export const newMountRow = (): MountRow => ({
  key: rowKey(),
  type: 'volume',
  source: '',
  target: '',
  readOnly: false,
});
export const newNetworkRow = (): NetworkRow => ({
  key: rowKey(),
  name: '',
  aliases: '',
  ipv4Address: '',
});
export const newPairRow = (): PairRow => ({ key: rowKey(), name: '', value: '' });

export function emptyContainerForm(hostId = ''): ContainerFormValues {
  return {
    hostId,
    image: '',
    pull: 'missing',
    name: '',
    cmd: '',
    entrypoint: '',
    start: true,
    tty: false,
    interactive: false,
    env: [],
    ports: [],
    volumes: [],
    networks: [],
    restartPolicy: '',
    maximumRetryCount: '',
    cpus: '',
    memory: '',
    labels: [],
    user: '',
    workingDir: '',
    hostname: '',
    healthcheckKind: 'image',
    healthcheckTest: '',
    healthcheckInterval: '',
    healthcheckTimeout: '',
    healthcheckStartPeriod: '',
    healthcheckRetries: '',
    logDriver: '',
    logOptions: [],
  };
}

/**
 * Splits a command line the way a POSIX shell splits words: whitespace separates, single quotes
 * keep everything, double quotes keep everything but `\"` and `\\`, a backslash escapes the next
 * character. Returns null for an unterminated quote.
 */
export function splitCommand(line: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) words.push(word);
  return words;
}

/** The reverse of `splitCommand`: words quoted only where a shell would need it. */
export function joinCommand(words: readonly string[]): string {
  return words
    .map((word) =>
      word !== '' && /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`,
    )
    .join(' ');
}

const trimmed = (value: string) => (value.trim() === '' ? undefined : value.trim());
const numberOf = (value: string) => (value.trim() === '' ? undefined : Number(value.trim()));

function commandOf(line: string): string[] | undefined {
  if (line.trim() === '') return undefined;
  return splitCommand(line) ?? undefined;
}

function healthcheckOf(values: ContainerFormValues): TCreateContainerInput['healthcheck'] {
  const timing = {
    intervalSeconds: numberOf(values.healthcheckInterval),
    timeoutSeconds: numberOf(values.healthcheckTimeout),
    startPeriodSeconds: numberOf(values.healthcheckStartPeriod),
    retries: numberOf(values.healthcheckRetries),
  };
  switch (values.healthcheckKind) {
    case 'image':
      return undefined;
    case 'NONE':
      return { test: ['NONE'] };
    case 'CMD':
      return { test: ['CMD', ...(splitCommand(values.healthcheckTest) ?? [])], ...timing };
    case 'CMD-SHELL':
      return { test: ['CMD-SHELL', values.healthcheckTest.trim()], ...timing };
  }
}

const blank = (...parts: string[]) => parts.every((part) => part.trim() === '');

/**
 * The create request the form describes. Every row is sent as it is, so a request index is the
 * form's row index and field errors land on the right row; an empty row is an error to fix or
 * remove. Label and log option rows left entirely empty are ignored (they are maps).
 */
export function toCreateContainerInput(values: ContainerFormValues): TCreateContainerInput {
  const labels = values.labels.filter((row) => !blank(row.name, row.value));
  const logOptions = values.logOptions.filter((row) => !blank(row.name, row.value));
  return {
    image: values.image,
    name: trimmed(values.name),
    pull: values.pull,
    start: values.start,
    cmd: commandOf(values.cmd),
    entrypoint: commandOf(values.entrypoint),
    env: values.env.map((row) => ({
      name: row.name.trim(),
      value: row.value,
      secret: row.secret,
    })),
    ports: values.ports.map((row) => ({
      hostIp: trimmed(row.hostIp),
      hostPort: numberOf(row.hostPort),
      containerPort: numberOf(row.containerPort) ?? Number.NaN,
      protocol: row.protocol,
    })),
    volumes: values.volumes.map((row) => ({
      type: row.type,
      source: trimmed(row.source),
      target: row.target.trim(),
      readOnly: row.readOnly,
    })),
    networks: values.networks.map((row) => ({
      name: row.name.trim(),
      aliases: row.aliases
        .split(',')
        .map((alias) => alias.trim())
        .filter(Boolean),
      ipv4Address: trimmed(row.ipv4Address),
    })),
    restartPolicy: values.restartPolicy
      ? {
          name: values.restartPolicy,
          maximumRetryCount: numberOf(values.maximumRetryCount),
        }
      : undefined,
    cpus: numberOf(values.cpus),
    memory: trimmed(values.memory),
    labels: Object.fromEntries(labels.map((row) => [row.name.trim(), row.value])),
    user: trimmed(values.user),
    workingDir: trimmed(values.workingDir),
    hostname: trimmed(values.hostname),
    tty: values.tty,
    interactive: values.interactive,
    healthcheck: healthcheckOf(values),
    logDriver: trimmed(values.logDriver)
      ? {
          name: values.logDriver.trim(),
          options: Object.fromEntries(logOptions.map((row) => [row.name.trim(), row.value])),
        }
      : undefined,
  };
}

/**
 * What the schema cannot see because the form already lost it: unbalanced quotes and labels set
 * twice (a label map keeps only the last). Keyed like the schema's own issues.
 */
export function formOnlyErrors(values: ContainerFormValues): FieldErrors {
  const errors: FieldErrors = {};
  const quotes = 'an unterminated quote';
  if (values.cmd.trim() && !splitCommand(values.cmd)) errors.cmd = quotes;
  if (values.entrypoint.trim() && !splitCommand(values.entrypoint)) errors.entrypoint = quotes;
  if (values.healthcheckKind === 'CMD' && !splitCommand(values.healthcheckTest)) {
    errors['healthcheck.test'] = quotes;
  }
  const seen = new Set<string>();
  for (const row of values.labels) {
    const name = row.name.trim();
    if (name && seen.has(name)) errors[`labels.${name}`] = `${name} is set twice`;
    seen.add(name);
  }
  return errors;
}

const requestResolver = zodResolver(ZCreateContainerRequest);

/** The form's resolver: the shared schema over the request it describes, plus `formOnlyErrors`. */
export const containerFormResolver: Resolver<
  ContainerFormValues,
  unknown,
  TCreateContainerRequest
> = withFormChecks<ContainerFormValues, unknown, TCreateContainerRequest>(
  async (values, context, options) => {
    const result = await requestResolver(
      toCreateContainerInput(values),
      context,
      // Its options name the form's fields; the request's paths are the same ones.
      options as unknown as Parameters<typeof requestResolver>[2],
    );
    return result.errors && Object.keys(result.errors).length > 0
      ? // A request path is the form path of the field it came from (see above).
        { values: {}, errors: result.errors as unknown as HookFormErrors<ContainerFormValues> }
      : { values: result.values as TCreateContainerRequest, errors: {} };
  },
  (values) => ({
    ...formOnlyErrors(values),
    ...(values.hostId ? {} : { hostId: 'choose the host to create the container on' }),
  }),
);

/** Labels a duplicate should not copy: Berth's own and those of the tools that made it. */
function copiedLabel(name: string): boolean {
  return !name.startsWith('berth.') && !name.startsWith('com.docker.compose.');
}

/**
 * The form prefilled from an existing container, for "duplicate and edit". Secret values cannot
 * be read back (the API masks them), so those rows come back empty and marked secret.
 */
export function formFromInspect(hostId: string, raw: TContainerInspect): ContainerFormValues {
  const view = readInspect(raw);
  const base = emptyContainerForm(hostId);
  const restart = view.restartPolicy.name;
  const check = view.healthcheck;
  const checkKind = check?.test[0];
  return {
    ...base,
    image: view.image,
    name: view.name ? `${view.name}-copy` : '',
    cmd: view.cmd ? joinCommand(view.cmd) : '',
    entrypoint: view.entrypoint ? joinCommand(view.entrypoint) : '',
    start: true,
    tty: view.tty,
    interactive: view.openStdin,
    env: view.env.map((env) => ({
      key: rowKey(),
      name: env.name,
      value: env.secret ? '' : env.value,
      secret: env.secret,
    })),
    ports: view.portBindings.map((port) => ({
      key: rowKey(),
      hostIp: port.hostIp,
      hostPort: port.hostPort === null ? '' : String(port.hostPort),
      containerPort: String(port.containerPort),
      protocol: (['tcp', 'udp', 'sctp'] as const).find((p) => p === port.protocol) ?? 'tcp',
    })),
    volumes: view.mounts
      .filter((mount) => mount.type === 'volume' || mount.type === 'bind')
      .map((mount) => ({
        key: rowKey(),
        type: mount.type === 'bind' ? 'bind' : 'volume',
        // An anonymous volume's generated name would tie the copy to the original's data.
        source:
          mount.type === 'bind'
            ? mount.source
            : /^[0-9a-f]{64}$/.test(mount.name)
              ? ''
              : mount.name,
        target: mount.destination,
        readOnly: mount.readOnly,
      })),
    networks: view.networks
      .filter((network) => !(network.name === 'bridge' && view.networks.length === 1))
      .map((network) => ({
        key: rowKey(),
        name: network.name,
        aliases: network.aliases.filter((alias) => !view.id.startsWith(alias)).join(', '),
        ipv4Address: network.ipv4Address,
      })),
    restartPolicy: (RESTART_POLICIES as readonly string[]).includes(restart)
      ? (restart as RestartPolicyName)
      : '',
    maximumRetryCount:
      restart === 'on-failure' && view.restartPolicy.maximumRetryCount > 0
        ? String(view.restartPolicy.maximumRetryCount)
        : '',
    cpus: view.nanoCpus > 0 ? String(view.nanoCpus / 1e9) : '',
    memory: view.memory > 0 ? `${Math.round(view.memory / 1024 / 1024)}m` : '',
    labels: Object.entries(view.labels)
      .filter(([name]) => copiedLabel(name) && name !== BERTH_LABELS.secretEnv)
      .map(([name, value]) => ({ key: rowKey(), name, value })),
    user: view.user,
    workingDir: view.workingDir,
    // The engine names a container's host after its short id unless one was asked for.
    hostname: view.hostname === view.id.slice(0, 12) ? '' : view.hostname,
    healthcheckKind:
      checkKind === 'CMD' || checkKind === 'CMD-SHELL' || checkKind === 'NONE'
        ? checkKind
        : 'image',
    healthcheckTest:
      checkKind === 'CMD'
        ? joinCommand(check?.test.slice(1) ?? [])
        : checkKind === 'CMD-SHELL'
          ? (check?.test[1] ?? '')
          : '',
    healthcheckInterval: secondsText(check?.intervalSeconds),
    healthcheckTimeout: secondsText(check?.timeoutSeconds),
    healthcheckStartPeriod: secondsText(check?.startPeriodSeconds),
    healthcheckRetries: check?.retries ? String(check.retries) : '',
    logDriver: view.logDriver.name,
    logOptions: Object.entries(view.logDriver.options).map(([name, value]) => ({
      key: rowKey(),
      name,
      value,
    })),
  };
}

function secondsText(value: number | null | undefined): string {
  return value ? String(value) : '';
}
