import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { TCreateRegistryRequest, TRegistry, TUpdateRegistryRequest } from '@berth/shared';
import { orConflictOn } from '../admin/unique-conflict.js';
import { auditFacts } from '../audit/audit-context.js';
import { type Audited, type AuditEntry, AuditLog, type Tx } from '../audit/audit-log.js';
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

/**
 * Stored registry credentials. Passwords are sealed by the vault and leave only towards engines.
 * Every change is written with its audit record in one transaction (`audit.change`).
 */
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
    const data = {
      name: input.name,
      serverAddress,
      username: input.username,
      secret: this.vault.seal(input.password),
    };
    const row = await this.audited(async (tx) => {
      const created = await tx.registry.create({ data });
      return { result: created, entry: entry('registry.create', created, principal, req) };
    });
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
    const data = {
      name: input.name ?? current.name,
      serverAddress,
      username: input.username ?? current.username,
      secret: input.password ? this.vault.seal(input.password) : current.secret,
    };
    const row = await this.audited(async (tx) => {
      const { count } = await tx.registry.updateMany({ where: { id }, data });
      // Removed by another request since it was read.
      if (count === 0) throw AppError.notFound('registry');
      const updated = { ...current, ...data };
      return { result: updated, entry: entry('registry.update', updated, principal, req) };
    });
    return toRegistryDto(row);
  }

  async remove(id: string, principal: Principal, req: IncomingMessage): Promise<void> {
    const row = await this.find(id);
    await this.audited(async (tx) => {
      const { count } = await tx.registry.deleteMany({ where: { id } });
      if (count === 0) throw AppError.notFound('registry');
      return { result: undefined, entry: entry('registry.delete', row, principal, req) };
    });
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
    throw new AppError('CONFLICT', TAKEN[field], {
      issues: [{ path: field, message: 'already taken' }],
    });
  }

  /** A change and its record in one transaction; a name or address taken meanwhile is a 409. */
  private audited<T>(work: (tx: Tx) => Promise<Audited<T>>): Promise<T> {
    return orConflictOn(() => this.audit.change(work), TAKEN);
  }
}

const TAKEN = {
  name: 'a registry with this name exists',
  serverAddress: 'a registry with this serverAddress exists',
} as const;

/** The password is never in the record: only where and as whom. */
function entry(
  action: 'registry.create' | 'registry.update' | 'registry.delete',
  row: Pick<Registry, 'name' | 'serverAddress' | 'username'>,
  principal: Principal,
  req: IncomingMessage,
): AuditEntry {
  return {
    ...auditFacts(principal, req),
    action,
    outcome: 'success',
    target: row.name,
    details: { serverAddress: row.serverAddress, username: row.username },
  };
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
