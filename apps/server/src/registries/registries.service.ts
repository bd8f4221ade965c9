import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type {
  TCreateRegistryRequest,
  TRegistry,
  TRegistryAccess,
  TRegistryKind,
  TUpdateRegistryRequest,
} from '@berth/shared';
import { orConflictOn } from '../admin/unique-conflict.js';
import { auditFacts } from '../audit/audit-context.js';
import type { PendingChange } from '../audit/audit-intent.js';
import { type Audited, type AuditEntry, AuditLog, type Tx } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { PrismaService } from '../database/prisma.service.js';
import { Vault } from '../vault/vault.js';
import { normaliseRegistryAddress } from './registry-address.js';
import type { StoredRegistry } from './registry-credentials.js';

type RegistryAction =
  | 'registry.create'
  | 'registry.update'
  | 'registry.delete'
  | 'registry.access'
  | 'registry.tag_delete';

/**
 * Stored registries. Passwords are sealed by the vault and leave only towards engines and the
 * registries themselves. Every change is written with its audit record in one transaction
 * (`audit.change`).
 */
@Injectable()
export class RegistriesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<TRegistry[]> {
    const rows = await this.prisma.db.registry.findMany({
      orderBy: { name: 'asc' },
      include: { access: true },
    });
    return rows.map(toRegistryDto);
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
      kind: input.kind ?? 'v2',
      serverAddress,
      username: input.username ?? '',
      secret: input.password ? this.vault.seal(input.password) : null,
      insecure: input.insecure ?? false,
      caCert: input.caCert ?? null,
      region: input.region ?? null,
    };
    const row = await this.audited(async (tx) => {
      const created = await tx.registry.create({ data, include: { access: true } });
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
      kind: input.kind ?? current.kind,
      serverAddress,
      username: input.username ?? current.username,
      secret:
        input.password === undefined
          ? current.secret
          : input.password === ''
            ? null
            : this.vault.seal(input.password),
      insecure: input.insecure ?? current.insecure,
      caCert: input.caCert === undefined ? current.caCert : input.caCert,
      region: input.region === undefined ? current.region : input.region,
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

  /** Replaces who may use the registry's login; unknown users, teams or hosts are named as such. */
  async setAccess(
    id: string,
    input: TRegistryAccess,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<TRegistry> {
    const current = await this.find(id);
    const users = [...new Set(input.users)];
    const teams = [...new Set(input.teams)];
    const hostIds = [...new Set(input.hostIds ?? [])];
    const hostGroups = [...new Set(input.hostGroups ?? [])];
    await this.assertExist(users, teams, hostIds);
    const row = await this.audited(async (tx) => {
      const { count } = await tx.registry.updateMany({
        where: { id },
        data: {
          accessHostIds: JSON.stringify(hostIds),
          accessHostGroups: JSON.stringify(hostGroups),
        },
      });
      if (count === 0) throw AppError.notFound('registry');
      await tx.registryAccess.deleteMany({ where: { registryId: id } });
      await tx.registryAccess.createMany({
        data: [
          ...users.map((userId) => ({ registryId: id, userId })),
          ...teams.map((teamId) => ({ registryId: id, teamId })),
        ],
      });
      const updated = await tx.registry.findUniqueOrThrow({
        where: { id },
        include: { access: true },
      });
      const record = entry('registry.access', current, principal, req);
      return {
        result: updated,
        entry: { ...record, details: { ...record.details, users, teams, hostIds, hostGroups } },
      };
    });
    return toRegistryDto(row);
  }

  /** A stored registry with who may use it; 404 when there is none. */
  async find(id: string): Promise<StoredRegistry> {
    const row = await this.prisma.db.registry.findUnique({
      where: { id },
      include: { access: true },
    });
    if (!row) throw AppError.notFound('registry');
    return row;
  }

  /**
   * Journals a change about to be made on the registry itself (a deleted tag): committed before
   * the registry is asked, settled with how it ended.
   */
  intend(
    registry: StoredRegistry,
    action: 'registry.tag_delete',
    details: Record<string, unknown>,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<PendingChange> {
    const { outcome: _outcome, ...record } = entry(action, registry, principal, req);
    return this.audit.intend({ ...record, details: { ...record.details, ...details } });
  }

  private async assertExist(users: string[], teams: string[], hostIds: string[]): Promise<void> {
    const db = this.prisma.db;
    const [foundUsers, foundTeams, foundHosts] = await Promise.all([
      db.user.findMany({ where: { id: { in: users } }, select: { id: true } }),
      db.team.findMany({ where: { id: { in: teams } }, select: { id: true } }),
      db.host.findMany({ where: { id: { in: hostIds } }, select: { id: true } }),
    ]);
    const issues = [
      ...missing('users', users, foundUsers, 'no such user'),
      ...missing('teams', teams, foundTeams, 'no such team'),
      ...missing('hostIds', hostIds, foundHosts, 'no such host'),
    ];
    if (issues.length > 0) throw AppError.validation(issues);
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

function missing(
  field: string,
  wanted: string[],
  found: { id: string }[],
  message: string,
): { path: string; message: string }[] {
  const ids = new Set(found.map((row) => row.id));
  return wanted.flatMap((id, index) =>
    ids.has(id) ? [] : [{ path: `${field}.${index}`, message }],
  );
}

/** The password is never in the record: only where and as whom. */
function entry(
  action: RegistryAction,
  row: Pick<StoredRegistry, 'name' | 'kind' | 'serverAddress' | 'username'>,
  principal: Principal,
  req: IncomingMessage,
): AuditEntry {
  return {
    ...auditFacts(principal, req),
    action,
    outcome: 'success',
    target: row.name,
    details: { kind: row.kind, serverAddress: row.serverAddress, username: row.username },
  };
}

export function toRegistryDto(row: StoredRegistry): TRegistry {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as TRegistryKind,
    serverAddress: row.serverAddress,
    username: row.username,
    hasPassword: row.secret !== null,
    insecure: row.insecure,
    caCert: row.caCert,
    region: row.region,
    access: {
      users: row.access.flatMap((a) => (a.userId ? [a.userId] : [])),
      teams: row.access.flatMap((a) => (a.teamId ? [a.teamId] : [])),
      hostIds: JSON.parse(row.accessHostIds) as string[],
      hostGroups: JSON.parse(row.accessHostGroups) as string[],
    },
    createdAt: row.createdAt.toISOString(),
  };
}
