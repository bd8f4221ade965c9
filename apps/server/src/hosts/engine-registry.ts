import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { THostStatus } from '@berth/shared';
import { PrismaService } from '../database/prisma.service.js';
import { EngineConnection } from '../docker/engine-connection.js';
import { type EngineTrust, type HostSecrets, endpointOf } from '../docker/engine-endpoint.js';
import { Vault } from '../vault/vault.js';

export interface RegisteredEngine {
  hostId: string;
  name: string;
  connection: EngineConnection;
  status: THostStatus;
}

/**
 * The live connection of every registered host, built once from its record and decrypted secrets
 * and reused by the gateway, the monitor and the REST facades. Dropped when the host changes.
 */
@Injectable()
export class EngineRegistry implements OnModuleDestroy {
  private readonly engines = new Map<string, RegisteredEngine>();
  private loading = new Map<string, Promise<RegisteredEngine | null>>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly vault: Vault,
  ) {}

  /** The engine of a host, or null when no such host exists. */
  get(hostId: string): Promise<RegisteredEngine | null> {
    const known = this.engines.get(hostId);
    if (known) return Promise.resolve(known);
    let pending = this.loading.get(hostId);
    if (!pending) {
      pending = this.load(hostId).finally(() => this.loading.delete(hostId));
      this.loading.set(hostId, pending);
    }
    return pending;
  }

  setStatus(hostId: string, status: THostStatus): void {
    const engine = this.engines.get(hostId);
    if (engine) engine.status = status;
  }

  forget(hostId: string): void {
    this.engines.get(hostId)?.connection.close();
    this.engines.delete(hostId);
  }

  /** A connection for a host that is not saved yet (the "test connection" button). */
  static connect(url: string, secrets: HostSecrets, trust: EngineTrust): EngineConnection {
    return new EngineConnection(endpointOf(url, secrets, trust));
  }

  onModuleDestroy(): void {
    for (const engine of this.engines.values()) engine.connection.close();
    this.engines.clear();
  }

  private async load(hostId: string): Promise<RegisteredEngine | null> {
    const host = await this.prisma.db.host.findUnique({ where: { id: hostId } });
    if (!host) return null;
    const secrets = host.secret ? this.vault.openJson<HostSecrets>(host.secret) : {};
    const engine: RegisteredEngine = {
      hostId: host.id,
      name: host.name,
      connection: EngineRegistry.connect(host.url, secrets, {
        skipVerify: host.tlsSkipVerify,
        sshHostKey: host.sshHostKey,
      }),
      status: host.status as THostStatus,
    };
    this.engines.set(hostId, engine);
    return engine;
  }
}
