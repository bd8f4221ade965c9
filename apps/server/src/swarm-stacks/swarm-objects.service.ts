import { Injectable } from '@nestjs/common';
import type {
  TCreateSwarmObjectRequest,
  TCreatedSwarmObject,
  TSwarmConfigDetail,
  TSwarmObject,
  TSwarmObjectList,
} from '@berth/shared';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import { ContainerAudit } from '../containers/container-audit.js';
import { engineError } from '../containers/engine-error.js';
import type { EngineService, EngineSwarmObject, SwarmApi } from './swarm-api.js';
import { SwarmHosts } from './swarm-host.js';

export type SwarmObjectKind = 'secret' | 'config';

/** The label `docker stack` puts on everything of a stack. */
export const STACK_NAMESPACE = 'com.docker.stack.namespace';

/**
 * Secrets and configs of a manager host: listed and inspected as metadata with the services that
 * use each, created (a secret's value goes to the engine and nowhere else: not into answers, logs,
 * audit records or error messages), removed (409 naming the services while any uses it).
 */
@Injectable()
export class SwarmObjectsService {
  constructor(
    private readonly hosts: SwarmHosts,
    private readonly audit: ContainerAudit,
  ) {}

  async list(caller: Caller, hostId: string, kind: SwarmObjectKind): Promise<TSwarmObjectList> {
    const { api, permit } = await this.hosts.open(caller, hostId, 'swarm.view');
    try {
      const [objects, services] = await Promise.all([
        api.listObjects(plural(kind)),
        api.listServices(),
      ]);
      const items = objects
        .map((object) => summary(kind, object, services))
        .sort((a, b) => a.name.localeCompare(b.name));
      return { items };
    } catch (error) {
      throw engineError(error, kind, permit.engine.name);
    }
  }

  async inspect(
    caller: Caller,
    hostId: string,
    kind: SwarmObjectKind,
    ref: string,
  ): Promise<TSwarmObject | TSwarmConfigDetail> {
    const { api, permit } = await this.hosts.open(caller, hostId, 'swarm.view');
    try {
      const [object, services] = await Promise.all([
        api.inspectObject(plural(kind), ref),
        api.listServices(),
      ]);
      const meta = summary(kind, object, services);
      if (kind === 'secret') return meta;
      return { ...meta, data: Buffer.from(object.Spec?.Data ?? '', 'base64').toString('utf8') };
    } catch (error) {
      throw engineError(error, kind, permit.engine.name);
    }
  }

  create(
    caller: Caller,
    hostId: string,
    kind: SwarmObjectKind,
    request: TCreateSwarmObjectRequest,
  ): Promise<TCreatedSwarmObject> {
    const data =
      request.encoding === 'base64'
        ? request.value
        : Buffer.from(request.value, 'utf8').toString('base64');
    const entry = {
      action: `swarm.${kind}_create` as const,
      hostId,
      target: request.name,
      // The content is never recorded, of a secret or a config: only its size.
      details: { labels: request.labels, bytes: Buffer.byteLength(data, 'base64') },
    };
    return this.audit.around(
      caller,
      entry,
      async (beforeEngine) => {
        const { api, permit } = await this.hosts.open(caller, hostId, 'swarm.manage');
        if (request.encoding === 'base64' && !isBase64(request.value)) {
          throw AppError.validation([{ path: 'value', message: 'is not valid base64' }]);
        }
        await beforeEngine();
        try {
          const id = await api.createObject(plural(kind), {
            Name: request.name,
            Labels: request.labels,
            Data: data,
          });
          return { id };
        } catch (error) {
          throw objectError(error, kind, request.name, permit.engine.name);
        }
      },
      (result) => ({ id: result.id }),
    );
  }

  remove(caller: Caller, hostId: string, kind: SwarmObjectKind, ref: string): Promise<void> {
    return this.audit.around(
      caller,
      { action: `swarm.${kind}_remove` as const, hostId, target: ref },
      async (beforeEngine) => {
        const { api, permit } = await this.hosts.open(caller, hostId, 'swarm.manage');
        try {
          const [object, services] = await Promise.all([
            api.inspectObject(plural(kind), ref),
            api.listServices(),
          ]);
          const users = usersOf(kind, object.ID, services);
          if (users.length > 0) {
            throw new AppError(
              'CONFLICT',
              `${kind} ${object.Spec?.Name ?? ref} is in use by ${users.length === 1 ? 'service' : 'services'} ${users.map((s) => s.name).join(', ')}`,
              { services: users },
            );
          }
          await beforeEngine();
          await api.removeObject(plural(kind), object.ID);
        } catch (error) {
          throw engineError(error, kind, permit.engine.name);
        }
      },
    );
  }
}

export function plural(kind: SwarmObjectKind): 'secrets' | 'configs' {
  return kind === 'secret' ? 'secrets' : 'configs';
}

/** The services whose task template names the object. */
export function usersOf(
  kind: SwarmObjectKind,
  id: string,
  services: EngineService[],
): { id: string; name: string }[] {
  return services
    .filter((service) => {
      const spec = service.Spec.TaskTemplate.ContainerSpec;
      const refs = (kind === 'secret' ? spec?.Secrets : spec?.Configs) ?? [];
      return refs.some((ref) => (kind === 'secret' ? ref.SecretID : ref.ConfigID) === id);
    })
    .map((service) => ({ id: service.ID, name: service.Spec.Name }));
}

function summary(
  kind: SwarmObjectKind,
  object: EngineSwarmObject,
  services: EngineService[],
): TSwarmObject {
  const labels = object.Spec?.Labels ?? {};
  return {
    id: object.ID,
    name: object.Spec?.Name ?? object.ID,
    labels,
    createdAt: object.CreatedAt ?? '',
    updatedAt: object.UpdatedAt ?? '',
    driver: object.Spec?.Driver?.Name ?? null,
    stack: labels[STACK_NAMESPACE] ?? null,
    services: usersOf(kind, object.ID, services),
  };
}

/** A name taken is a conflict on the field; the engine's other answers as usual. */
function objectError(error: unknown, kind: SwarmObjectKind, name: string, host: string): AppError {
  const mapped = engineError(error, kind, host);
  if (mapped.code === 'CONFLICT') {
    return new AppError('CONFLICT', `a ${kind} named ${name} exists in this swarm`, {
      issues: [{ path: 'name', message: `already used by another ${kind}` }],
    });
  }
  return mapped;
}

function isBase64(value: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0;
}

/** For a caller that needs one swarm's stack objects by name. */
export async function objectsByName(
  api: SwarmApi,
  kind: SwarmObjectKind,
  filters: Record<string, string[]>,
): Promise<Map<string, EngineSwarmObject>> {
  const objects = await api.listObjects(plural(kind), filters);
  return new Map(objects.map((o) => [o.Spec?.Name ?? o.ID, o]));
}
