import { Injectable } from '@nestjs/common';
import {
  type AuditAction,
  CONTAINER_ACTION_PERMISSIONS,
  type Permission,
  type TBulkAction,
  type TBulkContainerRequest,
  type TBulkContainerResponse,
  type TBulkItemResult,
  type TContainerChange,
  type TContainerInspect,
  type TContainerTop,
  type TKillQuery,
  type TRemoveQuery,
  type TRenameContainerRequest,
  type TStopQuery,
  type TUpdateContainerRequest,
  type TUpdateContainerResponse,
  ZContainerInspect,
} from '@berth/shared';
import { AppError } from '../common/app-error.js';
import { readEngineAnswer } from '../docker/engine-answer.js';
import { EngineError } from '../docker/engine-error.js';
import type { Caller } from './caller.js';
import { ContainerAccess, type ContainerRef, type HostPermit } from './container-access.js';
import { ContainerAudit } from './container-audit.js';
import { engineError } from './engine-error.js';
import { maskSecretEnv } from './secret-env.js';

export type LifecycleAction = Exclude<TBulkAction, 'remove'>;

/**
 * How each action is recorded. The permission it needs is `CONTAINER_ACTION_PERMISSIONS`, the
 * table the dashboard reads too, so a button and the route it calls never disagree.
 */
const ACTION_AUDIT: Record<TBulkAction, AuditAction> = {
  start: 'container.start',
  stop: 'container.stop',
  restart: 'container.restart',
  kill: 'container.kill',
  pause: 'container.pause',
  unpause: 'container.unpause',
  remove: 'container.remove',
};

const KIND = ['modified', 'added', 'deleted'] as const;
const BULK_CONCURRENCY = 8;

export interface ActionOptions {
  t?: number | undefined;
  signal?: string | undefined;
  force?: boolean | undefined;
  volumes?: boolean | undefined;
}

/**
 * Start, stop, restart, kill, pause, unpause, remove, rename, update; inspect, top and changes.
 * Each needs its permission on the host (checked by its route, or here for bulk actions) and the
 * container's ownership, and each change is audited with its own action, whatever the outcome:
 * journaled before the engine is asked, and settled with the engine's answer.
 */
@Injectable()
export class ContainerLifecycleService {
  constructor(
    private readonly access: ContainerAccess,
    private readonly audit: ContainerAudit,
  ) {}

  act(
    caller: Caller,
    hostId: string,
    ref: string,
    action: LifecycleAction,
    query: TStopQuery & TKillQuery = {},
  ): Promise<void> {
    return this.change(caller, hostId, ref, action, { t: query.t, signal: query.signal });
  }

  remove(caller: Caller, hostId: string, ref: string, query: TRemoveQuery): Promise<void> {
    return this.change(caller, hostId, ref, 'remove', query);
  }

  async bulk(caller: Caller, request: TBulkContainerRequest): Promise<TBulkContainerResponse> {
    const results: TBulkItemResult[] = new Array<TBulkItemResult>(request.items.length);
    let next = 0;
    const worker = async () => {
      while (next < request.items.length) {
        const index = next++;
        const item = request.items[index]!;
        try {
          await this.change(caller, item.hostId, item.id, request.action, {
            t: request.t,
            signal: request.signal,
            force: request.force,
            volumes: request.volumes,
          });
          results[index] = { hostId: item.hostId, id: item.id, ok: true };
        } catch (error) {
          const e = error instanceof AppError ? error : new AppError('INTERNAL', 'internal error');
          results[index] = {
            hostId: item.hostId,
            id: item.id,
            ok: false,
            error: { code: e.code, message: e.message },
          };
        }
      }
    };
    await Promise.all(Array.from({ length: BULK_CONCURRENCY }, worker));
    return { results };
  }

  async rename(
    caller: Caller,
    hostId: string,
    ref: string,
    body: TRenameContainerRequest,
  ): Promise<void> {
    const entry = {
      action: 'container.rename' as const,
      hostId,
      target: ref,
      details: { to: body.name },
    };
    await this.audit.around(caller, entry, async (beforeEngine) => {
      const { permit, container } = await this.find(caller, hostId, ref, 'container.update', entry);
      await beforeEngine({ container: body.name, exists: true });
      await this.engine(permit, () =>
        permit.engine.client.renameContainer(container.id, body.name),
      );
    });
  }

  async update(
    caller: Caller,
    hostId: string,
    ref: string,
    body: TUpdateContainerRequest,
  ): Promise<TUpdateContainerResponse> {
    const entry = {
      action: 'container.update' as const,
      hostId,
      target: ref,
      details: { fields: Object.keys(body) },
    };
    return this.audit.around(caller, entry, async (beforeEngine) => {
      const { permit, container } = await this.find(caller, hostId, ref, 'container.update', entry);
      await beforeEngine();
      const warnings = await this.engine(permit, () =>
        permit.engine.client.updateContainer(container.id, updateBody(body)),
      );
      return { warnings: warnings ?? [] };
    });
  }

  async inspect(caller: Caller, hostId: string, ref: string): Promise<TContainerInspect> {
    const { permit, container } = await this.access.requireContainer(
      caller.principal,
      hostId,
      ref,
      'container.inspect',
      caller.grant,
    );
    const inspect = await this.engine(permit, () =>
      permit.engine.client.inspectContainer(container.id),
    );
    return maskSecretEnv(readEngineAnswer(ZContainerInspect, inspect, 'container inspect'));
  }

  async top(caller: Caller, hostId: string, ref: string): Promise<TContainerTop> {
    const { permit, container } = await this.access.requireContainer(
      caller.principal,
      hostId,
      ref,
      'container.inspect',
      caller.grant,
    );
    const top = await this.engine(permit, () => permit.engine.client.topContainer(container.id));
    return { titles: top?.Titles ?? [], processes: top?.Processes ?? [] };
  }

  async changes(caller: Caller, hostId: string, ref: string): Promise<TContainerChange[]> {
    const { permit, container } = await this.access.requireContainer(
      caller.principal,
      hostId,
      ref,
      'container.inspect',
      caller.grant,
    );
    const changes = await this.engine(permit, () =>
      permit.engine.client.containerChanges(container.id),
    );
    return (changes ?? []).map((c) => ({ path: c.Path, kind: KIND[c.Kind] ?? 'modified' }));
  }

  private async change(
    caller: Caller,
    hostId: string,
    ref: string,
    action: TBulkAction,
    options: ActionOptions,
  ): Promise<void> {
    const permission = CONTAINER_ACTION_PERMISSIONS[action];
    const entry = {
      action: ACTION_AUDIT[action],
      hostId,
      target: ref,
      details: definedOnly(options),
    };
    await this.audit.around(caller, entry, async (beforeEngine) => {
      const { permit, container } = await this.find(caller, hostId, ref, permission, entry);
      // A remove can be told afterwards: the container is gone. The others leave no such trace.
      await beforeEngine(
        action === 'remove' ? { container: container.id, exists: false } : undefined,
      );
      await this.engine(permit, () =>
        permit.engine.client.changeContainer(container.id, action, options),
      );
    });
  }

  /** Resolves the container and names it in the audit entry being written. */
  private async find(
    caller: Caller,
    hostId: string,
    ref: string,
    permission: Permission,
    entry: { target: string; details?: Record<string, unknown> },
  ): Promise<{ permit: HostPermit; container: ContainerRef }> {
    const found = await this.access.requireContainer(
      caller.principal,
      hostId,
      ref,
      permission,
      caller.grant,
    );
    entry.target = found.container.name;
    entry.details = { ...entry.details, id: found.container.id };
    return found;
  }

  /** An engine call whose failure becomes an AppError; 304 (already in that state) is success. */
  private async engine<T>(permit: HostPermit, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (EngineError.from(error).kind === 'not_modified') return undefined;
      throw engineError(error, 'container', permit.engine.name);
    }
  }
}

function updateBody(body: TUpdateContainerRequest): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  if (body.cpuShares !== undefined) update.CpuShares = body.cpuShares;
  if (body.cpuQuota !== undefined) update.CpuQuota = body.cpuQuota;
  if (body.cpuPeriod !== undefined) update.CpuPeriod = body.cpuPeriod;
  if (body.memory !== undefined) update.Memory = body.memory;
  if (body.memorySwap !== undefined) update.MemorySwap = body.memorySwap;
  if (body.restartPolicy) {
    update.RestartPolicy = {
      Name: body.restartPolicy.name,
      MaximumRetryCount: body.restartPolicy.maximumRetryCount ?? 0,
    };
  }
  return update;
}

function definedOnly(options: ActionOptions): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
