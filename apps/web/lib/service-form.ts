import type { TCreateServiceRequest, TUpdateConfig } from '@berth/shared';
import { newEnvRow, rowKey, splitCommand, type EnvRow } from './container-form';
import type { FieldErrors } from './field-errors';
import { parseKeyValues } from './key-values';

/*
 * The new-service form as typed: numbers and lists as text, rows with keys for React. Its checked
 * request is `toCreateServiceRequest`, whose paths (`ports.1.published`, `resources.limits.memory`)
 * are where the shared schema and the server put their errors.
 */

export interface ServicePortRow {
  key: string;
  published: string;
  target: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  mode: 'ingress' | 'host';
}

export interface ServiceMountRow {
  key: string;
  type: 'volume' | 'bind' | 'tmpfs';
  source: string;
  target: string;
  readOnly: boolean;
}

/** A secret or config given to the tasks as a file. */
export interface FileRefRow {
  key: string;
  source: string;
  target: string;
}

/** How tasks are replaced on an update or a rollback, as typed (`ZUpdateConfig`). */
export interface UpdateSettings {
  parallelism: string;
  delay: string;
  order: 'stop-first' | 'start-first';
  failureAction: 'pause' | 'continue' | 'rollback';
  monitor: string;
  maxFailureRatio: string;
}

/** The engine's defaults, as `docker service create` starts with them. */
export const defaultUpdateSettings = (): UpdateSettings => ({
  parallelism: '1',
  delay: '0',
  order: 'stop-first',
  failureAction: 'pause',
  monitor: '5',
  maxFailureRatio: '0',
});

export interface ServiceFormValues {
  hostId: string;
  name: string;
  image: string;
  command: string;
  mode: 'replicated' | 'global';
  replicas: string;
  ports: ServicePortRow[];
  networks: string[];
  env: EnvRow[];
  mounts: ServiceMountRow[];
  /** One constraint per line: `node.role==worker`. */
  constraints: string;
  /** One node label per line to spread tasks over: `node.labels.zone`. */
  placementPreferences: string;
  maxReplicasPerNode: string;
  cpuLimit: string;
  memoryLimit: string;
  cpuReservation: string;
  memoryReservation: string;
  restartCondition: '' | 'none' | 'on-failure' | 'any';
  restartDelay: string;
  restartMaxAttempts: string;
  update: UpdateSettings;
  rollback: UpdateSettings;
  secrets: FileRefRow[];
  configs: FileRefRow[];
  /** `key=value` lines. */
  labels: string;
}

export function emptyServiceForm(hostId = ''): ServiceFormValues {
  return {
    hostId,
    name: '',
    image: '',
    command: '',
    mode: 'replicated',
    replicas: '1',
    ports: [],
    networks: [],
    env: [],
    mounts: [],
    constraints: '',
    placementPreferences: '',
    maxReplicasPerNode: '',
    cpuLimit: '',
    memoryLimit: '',
    cpuReservation: '',
    memoryReservation: '',
    restartCondition: '',
    restartDelay: '',
    restartMaxAttempts: '',
    update: defaultUpdateSettings(),
    rollback: defaultUpdateSettings(),
    secrets: [],
    configs: [],
    labels: '',
  };
}

export const newServicePortRow = (): ServicePortRow => ({
  key: rowKey(),
  published: '',
  target: '',
  protocol: 'tcp',
  mode: 'ingress',
});

export const newServiceMountRow = (): ServiceMountRow => ({
  key: rowKey(),
  type: 'volume',
  source: '',
  target: '',
  readOnly: false,
});

export const newFileRefRow = (): FileRefRow => ({ key: rowKey(), source: '', target: '' });

export { newEnvRow };

const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
const number = (value: string) => (value.trim() === '' ? undefined : Number(value.trim()));
const lines = (value: string) =>
  value
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** Limits or reservations, left out when neither field is filled. */
function resourcePair(cpus: string, memory: string) {
  const pair = { cpus: number(cpus), memory: text(memory) };
  return pair.cpus === undefined && pair.memory === undefined ? undefined : pair;
}

/** An update or rollback config as requested; a field left empty takes the schema's default. */
export function toUpdateConfig(settings: UpdateSettings): TUpdateConfig {
  return {
    parallelism: number(settings.parallelism),
    delaySeconds: number(settings.delay),
    order: settings.order,
    failureAction: settings.failureAction,
    monitorSeconds: number(settings.monitor),
    maxFailureRatio: number(settings.maxFailureRatio),
  };
}

/** The request the form's values make; what the schema checks and the server receives. */
export function toCreateServiceRequest(values: ServiceFormValues): TCreateServiceRequest {
  const limits = resourcePair(values.cpuLimit, values.memoryLimit);
  const reservations = resourcePair(values.cpuReservation, values.memoryReservation);
  const command = values.command.trim() ? (splitCommand(values.command) ?? undefined) : undefined;
  const fileRef = (row: FileRefRow) => ({ source: row.source.trim(), target: text(row.target) });
  return {
    name: values.name.trim(),
    image: values.image.trim(),
    command,
    mode: values.mode,
    replicas: values.mode === 'replicated' ? number(values.replicas) : undefined,
    ports: values.ports.map((port) => ({
      published: number(port.published),
      target: number(port.target) ?? Number.NaN,
      protocol: port.protocol,
      mode: port.mode,
    })),
    networks: values.networks,
    env: values.env.map(({ name, value, secret }) => ({ name: name.trim(), value, secret })),
    mounts: values.mounts.map((mount) => ({
      type: mount.type,
      source: text(mount.source),
      target: mount.target.trim(),
      readOnly: mount.readOnly,
    })),
    constraints: lines(values.constraints),
    placementPreferences: lines(values.placementPreferences),
    maxReplicasPerNode: number(values.maxReplicasPerNode),
    resources: limits || reservations ? { limits, reservations } : undefined,
    restartPolicy: values.restartCondition
      ? {
          condition: values.restartCondition,
          delaySeconds: number(values.restartDelay),
          maxAttempts: number(values.restartMaxAttempts),
        }
      : undefined,
    updateConfig: toUpdateConfig(values.update),
    rollbackConfig: toUpdateConfig(values.rollback),
    secrets: values.secrets.map(fileRef),
    configs: values.configs.map(fileRef),
    labels: parseKeyValues(values.labels),
  };
}

/** What only the form can see: no host chosen, a command with an open quote. */
export function serviceFormChecks(values: ServiceFormValues): FieldErrors {
  const errors: FieldErrors = {};
  if (!values.hostId) errors.hostId = 'choose a swarm manager host';
  if (values.command.trim() && splitCommand(values.command) === null) {
    errors.command = 'a quote is not closed';
  }
  return errors;
}
