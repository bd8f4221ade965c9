import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { TCreateRegistryRequest, TRegistry, TUpdateRegistryRequest } from '@berth/shared';
import { actorOf, requestFacts } from '../audit/audit-context.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Registry } from '../generated/sqlite/client.js';
import { Vault } from '../vault/vault.js';
import { normaliseRegistryAddress } from './registry-address.js';

export interface RegistryCredentials {
  serverAddress: string;
  username: string;
  password: string;
}

/** Stored registry credentials. Passwords are sealed by the vault and leave only towards engines. */
@Injectable()
export class RegistriesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<TRegistry[]> {
    return (await this.prisma.db.registry.findMany({ orderBy: { name: 'asc' } })).map(
      toRegistryDto,
    );
  }

  async create(
    input: TCreateRegistryRequest,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<TRegistry> {
    const serverAddress = normaliseRegistryAddress(input.serverAddress);
    await this.assertFree(input.name, serverAddress, null);
    const row = await this.prisma.db.registry.create({
      data: {
        name: input.name,
        serverAddress,
        username: input.username,
        secret: this.vault.seal(input.password),
      },
    });
    await this.record('registry.create', row, principal, req);
    return toRegistryDto(row);
  }

  async update(
    id: string,
    input: TUpdateRegistryRequest,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<TRegistry> {
    const current = await this.find(id);
    const serverAddress = input.serverAddress
      ? normaliseRegistryAddress(input.serverAddress)
      : current.serverAddress;
    await this.assertFree(input.name ?? current.name, serverAddress, id);
    const row = await this.prisma.db.registry.update({
      where: { id },
      data: {
        name: input.name ?? current.name,
        serverAddress,
        username: input.username ?? current.username,
        secret: input.password ? this.vault.seal(input.password) : current.secret,
      },
    });
    await this.record('registry.update', row, principal, req);
    return toRegistryDto(row);
  }

  async remove(id: string, principal: Principal, req: IncomingMessage): Promise<void> {
    const row = await this.find(id);
    await this.prisma.db.registry.delete({ where: { id } });
    await this.record('registry.delete', row, principal, req);
  }

  /** Credentials for a registry address, or null when none are stored. */
  async credentialsFor(serverAddress: string): Promise<RegistryCredentials | null> {
    const row = await this.prisma.db.registry.findUnique({ where: { serverAddress } });
    return row
      ? {
          serverAddress: row.serverAddress,
          username: row.username,
          password: this.vault.open(row.secret),
        }
      : null;
  }

  async allCredentials(): Promise<RegistryCredentials[]> {
    const rows = await this.prisma.db.registry.findMany();
    return rows.map((row) => ({
      serverAddress: row.serverAddress,
      username: row.username,
      password: this.vault.open(row.secret),
    }));
  }

  private async find(id: string): Promise<Registry> {
    const row = await this.prisma.db.registry.findUnique({ where: { id } });
    if (!row) throw AppError.notFound('registry');
    return row;
  }

  private async assertFree(
    name: string,
    serverAddress: string,
    exceptId: string | null,
  ): Promise<void> {
    const clash = await this.prisma.db.registry.findFirst({
      where: { OR: [{ name }, { serverAddress }], NOT: exceptId ? { id: exceptId } : undefined },
    });
    if (!clash) return;
    const field = clash.name === name ? 'name' : 'serverAddress';
    throw new AppError('CONFLICT', `a registry with this ${field} exists`, {
      issues: [{ path: field, message: 'already taken' }],
    });
  }

  private async record(
    action: 'registry.create' | 'registry.update' | 'registry.delete',
    row: Registry,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<void> {
    await this.audit.record({
      actor: actorOf(principal),
      action,
      outcome: 'success',
      target: row.name,
      details: { serverAddress: row.serverAddress, username: row.username },
      ...requestFacts(req),
    });
  }
}

function toRegistryDto(row: Registry): TRegistry {
  return {
    id: row.id,
    name: row.name,
    serverAddress: row.serverAddress,
    username: row.username,
    createdAt: row.createdAt.toISOString(),
  };
}
