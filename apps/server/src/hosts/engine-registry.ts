import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { THostStatus } from '@berth/shared';
import { CONFIG, type Config } from '../config/config.js';
import { PrismaService } from '../database/prisma.service.js';
import { EngineClient } from '../docker/engine-client.js';
import { EngineConnection } from '../docker/engine-connection.js';
import { type EngineTrust, type HostSecrets, endpointOf } from '../docker/engine-endpoint.js';
import { Vault } from '../vault/vault.js';

export interface RegisteredEngine {
  hostId: string;
  name: string;
  /** Every call to the host's engine goes through its client. */
  client: EngineClient;
  status: THostStatus;
}

/**
 * The engine client of every registered host, built once from its record and decrypted secrets
 * and reused by the gateway, the monitor, the inventory, realtime and the REST facades. Dropped
 * (its connections and shared event stream closed) when the host changes.
 */
@Injectable()
export class EngineRegistry implements OnModuleDestroy {
  private readonly engines = new Map<string, RegisteredEngine>();
  private loading = new Map<string, Promise<RegisteredEngine | null>>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly vault: Vault,
    @Inject(CONFIG) private readonly config: Config,
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
    this.engines.get(hostId)?.client.close();
    this.engines.delete(hostId);
  }

  /** A client for a host that is not saved yet (the "test connection" button, which follows no events). */
  static connect(
    url: string,
    secrets: HostSecrets,
    trust: EngineTrust,
    timeoutMs = 5_000,
  ): EngineClient {
    return new EngineClient(new EngineConnection(endpointOf(url, secrets, trust)), timeoutMs);
  }

  onModuleDestroy(): void {
    for (const engine of this.engines.values()) engine.client.close();
    this.engines.clear();
  }

  private async load(hostId: string): Promise<RegisteredEngine | null> {
    const host = await this.prisma.db.host.findUnique({ where: { id: hostId } });
    if (!host) return null;
    const secrets = host.secret ? this.vault.openJson<HostSecrets>(host.secret) : {};
    const engine: RegisteredEngine = {
      hostId: host.id,
      name: host.name,
      client: EngineRegistry.connect(
        host.url,
        secrets,
        { skipVerify: host.tlsSkipVerify, sshHostKey: host.sshHostKey },
        this.config.engineTimeoutMs,
      ),
      status: host.status as THostStatus,
    };
    this.engines.set(hostId, engine);
    return engine;
  }
}
