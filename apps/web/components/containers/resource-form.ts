import {
  parseByteSize,
  RESTART_POLICIES,
  ZUpdateContainerRequest,
  type TContainerInspect,
  type TUpdateContainerRequest,
} from '@berth/shared';
import { fieldErrorsFromIssues } from '@/lib/field-errors';

/*
 * The Resources dialog edits what `docker update` can change. The form starts from the engine's
 * current values and sends only what was changed; the request is then checked with
 * ZUpdateContainerRequest itself, so the dialog and the API agree on every rule.
 */

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** The CFS period used when CPUs are given: the engine's default, 100 ms. */
export const CPU_PERIOD_US = 100_000;

export type MemoryUnit = 'MiB' | 'GiB';
export type RestartName = (typeof RESTART_POLICIES)[number];

/** What the engine holds now (HostConfig of the inspect answer). */
export interface CurrentResources {
  /** 0: the engine default (1024). */
  cpuShares: number;
  cpuQuota: number;
  cpuPeriod: number;
  /** Set at create with `--cpus`; the engine then refuses a quota. */
  nanoCpus: number;
  /** Bytes; 0: no limit. */
  memory: number;
  /** Memory plus swap in bytes; 0: not set, -1: unlimited swap. */
  memorySwap: number;
  restartPolicy: { name: RestartName; maximumRetryCount: number };
}

export interface ResourceFormValues {
  cpuShares: string;
  cpus: string;
  memory: string;
  memoryUnit: MemoryUnit;
  restartPolicy: RestartName;
  maximumRetryCount: string;
}

/** The form's field names; server errors are mapped onto them. */
export type ResourceField = keyof Omit<ResourceFormValues, 'memoryUnit'> | 'form';

function numberAt(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export function readResources(raw: TContainerInspect): CurrentResources {
  const host = (
    typeof raw.HostConfig === 'object' && raw.HostConfig !== null ? raw.HostConfig : {}
  ) as Record<string, unknown>;
  const restart = (host.RestartPolicy ?? {}) as Record<string, unknown>;
  const name = typeof restart.Name === 'string' ? restart.Name : '';
  return {
    cpuShares: numberAt(host, 'CpuShares'),
    cpuQuota: numberAt(host, 'CpuQuota'),
    cpuPeriod: numberAt(host, 'CpuPeriod'),
    nanoCpus: numberAt(host, 'NanoCpus'),
    memory: numberAt(host, 'Memory'),
    memorySwap: numberAt(host, 'MemorySwap'),
    restartPolicy: {
      name: (RESTART_POLICIES as readonly string[]).includes(name) ? (name as RestartName) : 'no',
      maximumRetryCount: numberAt(restart, 'MaximumRetryCount'),
    },
  };
}

/** CPUs the container may use, from its quota or `--cpus`; 0 when unlimited. */
export function cpuLimit(current: CurrentResources): number {
  if (current.cpuQuota > 0) return current.cpuQuota / (current.cpuPeriod || CPU_PERIOD_US);
  return current.nanoCpus > 0 ? current.nanoCpus / 1e9 : 0;
}

function trimNumber(value: number): string {
  return String(Number(value.toFixed(3)));
}

export function initialValues(current: CurrentResources): ResourceFormValues {
  const cpus = cpuLimit(current);
  const inGib = current.memory > 0 && current.memory % GIB === 0;
  return {
    cpuShares: current.cpuShares > 0 ? String(current.cpuShares) : '',
    cpus: cpus > 0 ? trimNumber(cpus) : '',
    memory: current.memory > 0 ? trimNumber(current.memory / (inGib ? GIB : MIB)) : '',
    memoryUnit: inGib ? 'GiB' : 'MiB',
    restartPolicy: current.restartPolicy.name,
    maximumRetryCount:
      current.restartPolicy.name === 'on-failure' && current.restartPolicy.maximumRetryCount > 0
        ? String(current.restartPolicy.maximumRetryCount)
        : '',
  };
}

/**
 * The engine refuses a memory limit above the current memory-plus-swap limit unless both change
 * together, so swap is always sent with memory: it keeps the allowance it had above memory
 * (unlimited stays unlimited), or, when there was no limit, as much as memory, as `docker run` does.
 */
export function swapFor(current: CurrentResources, memory: number): number {
  if (current.memorySwap === -1) return -1;
  if (current.memory > 0 && current.memorySwap >= current.memory) {
    return memory + (current.memorySwap - current.memory);
  }
  return memory * 2;
}

export type ResourceRequest =
  | { ok: true; request: TUpdateContainerRequest }
  | { ok: false; errors: Partial<Record<ResourceField, string>> };

/** The request for what changed, or the problems of each field. */
export function toUpdateRequest(
  current: CurrentResources,
  values: ResourceFormValues,
): ResourceRequest {
  const before = initialValues(current);
  const errors: Partial<Record<ResourceField, string>> = {};
  const input: Record<string, unknown> = {};
  const cannotClear = 'the engine cannot remove a limit here; give a value';

  const number = (field: 'cpuShares' | 'cpus' | 'maximumRetryCount'): number | undefined => {
    const text = values[field].trim();
    if (text === '') return undefined;
    const value = Number(text);
    if (!Number.isFinite(value)) errors[field] = 'a number';
    return value;
  };

  if (values.cpuShares.trim() !== before.cpuShares) {
    const shares = number('cpuShares');
    if (shares === undefined) errors.cpuShares = cannotClear;
    else input.cpuShares = shares;
  }
  if (values.cpus.trim() !== before.cpus) {
    const cpus = number('cpus');
    if (cpus === undefined) errors.cpus = cannotClear;
    else if (!errors.cpus) {
      input.cpuQuota = Math.round(cpus * CPU_PERIOD_US);
      input.cpuPeriod = CPU_PERIOD_US;
    }
  }
  if (values.memory.trim() !== before.memory || values.memoryUnit !== before.memoryUnit) {
    const text = values.memory.trim();
    if (text === '') errors.memory = cannotClear;
    else {
      const size = `${text}${values.memoryUnit === 'GiB' ? 'g' : 'm'}`;
      input.memory = size;
      const bytes = /^\d+(\.\d+)?$/.test(text) ? parseByteSize(size) : null;
      if (bytes === null) errors.memory = 'a number, like 512 or 1.5';
      else input.memorySwap = swapFor(current, bytes);
    }
  }
  if (
    values.restartPolicy !== before.restartPolicy ||
    values.maximumRetryCount.trim() !== before.maximumRetryCount
  ) {
    const retries = values.restartPolicy === 'on-failure' ? number('maximumRetryCount') : undefined;
    input.restartPolicy = {
      name: values.restartPolicy,
      ...(retries === undefined ? {} : { maximumRetryCount: retries }),
    };
  }

  const parsed = ZUpdateContainerRequest.safeParse(input);
  if (!parsed.success) {
    for (const [path, message] of Object.entries(fieldErrorsFromIssues(parsed.error.issues))) {
      const field = fieldOf(path);
      errors[field] ??= field === 'form' ? 'Nothing changed.' : message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, request: parsed.data };
}

/** The form field that shows a problem the API names by its request path. */
export function fieldOf(path: string): ResourceField {
  switch (path) {
    case 'cpuShares':
      return 'cpuShares';
    case 'cpuQuota':
    case 'cpuPeriod':
      return 'cpus';
    case 'memory':
    case 'memorySwap':
      return 'memory';
    case 'restartPolicy.maximumRetryCount':
      return 'maximumRetryCount';
    case 'restartPolicy':
    case 'restartPolicy.name':
      return 'restartPolicy';
    default:
      return 'form';
  }
}
