import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import {
  BUILT_IN_ROLES,
  isBuiltInRole,
  PERMISSIONS,
  PERMISSION_NAMES,
  ROLE_DEFINITIONS,
  type TCreateRoleRequest,
  type TPermissionInfo,
  type TRole,
  type TUpdateRoleRequest,
} from '@berth/shared';
import { orConflict } from '../admin/unique-conflict.js';
import { auditFacts } from '../audit/audit-context.js';
import { type AuditEntry, AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../common/app-error.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Role } from '../generated/sqlite/client.js';
import { AccessService } from './access.service.js';

/** Built-in roles (from the shared catalog, read-only) and custom ones (stored). */
@Injectable()
export class RolesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly access: AccessService,
    private readonly audit: AuditLog,
  ) {}

  permissions(): TPermissionInfo[] {
    return PERMISSION_NAMES.map((name) => ({ name, description: PERMISSIONS[name] }));
  }

  async list(): Promise<TRole[]> {
    const builtIn = BUILT_IN_ROLES.map((key): TRole => {
      const role = ROLE_DEFINITIONS[key];
      return {
        id: key,
        name: role.name,
        description: role.description,
        permissions: [...role.permissions],
        builtIn: true,
        ownedOnly: role.ownedOnly,
      };
    });
    const custom = await this.prisma.db.role.findMany({ orderBy: { name: 'asc' } });
    return [...builtIn, ...custom.map(toRoleDto)];
  }

  /** The role a grant names: a built-in key or a custom role id; null when there is none. */
  async find(id: string): Promise<TRole | null> {
    if (isBuiltInRole(id)) return (await this.list()).find((role) => role.id === id) ?? null;
    const row = await this.prisma.db.role.findUnique({ where: { id } });
    return row ? toRoleDto(row) : null;
  }

  async create(
    input: TCreateRoleRequest,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<TRole> {
    await this.assertNameFree(input.name);
    const row = await orConflict(
      () =>
        this.audit.change(async (tx) => {
          const role = await tx.role.create({
            data: {
              name: input.name,
              description: input.description ?? '',
              permissions: JSON.stringify(input.permissions),
            },
          });
          return { result: role, entry: this.entry('role.create', role, principal, req) };
        }),
      'name',
      `a role named "${input.name}" exists`,
    );
    this.access.invalidate();
    return toRoleDto(row);
  }

  async update(
    id: string,
    input: TUpdateRoleRequest,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<TRole> {
    const current = await this.findCustom(id);
    if (input.name !== undefined && input.name !== current.name)
      await this.assertNameFree(input.name);
    const row = await orConflict(
      () =>
        this.audit.change(async (tx) => {
          const role = await tx.role.update({
            where: { id },
            data: {
              name: input.name,
              description: input.description,
              ...(input.permissions ? { permissions: JSON.stringify(input.permissions) } : {}),
            },
          });
          return { result: role, entry: this.entry('role.update', role, principal, req) };
        }),
      'name',
      `a role named "${input.name ?? ''}" exists`,
    );
    this.access.invalidate();
    return toRoleDto(row);
  }

  /** Refused while grants use the role, so nobody loses access without a grant change in the log. */
  async remove(id: string, principal: Principal, req: IncomingMessage): Promise<void> {
    const role = await this.findCustom(id);
    const grants = await this.prisma.db.grant.count({ where: { role: id } });
    if (grants > 0) {
      throw new AppError('CONFLICT', `${grants} grant(s) use this role; delete them first`, {
        grants,
      });
    }
    await this.audit.change(async (tx) => {
      await tx.role.delete({ where: { id } });
      return { result: undefined, entry: this.entry('role.delete', role, principal, req) };
    });
    this.access.invalidate();
  }

  private async findCustom(id: string): Promise<Role> {
    if (isBuiltInRole(id)) throw new AppError('CONFLICT', 'built-in roles cannot be changed');
    const row = await this.prisma.db.role.findUnique({ where: { id } });
    if (!row) throw AppError.notFound('role');
    return row;
  }

  private async assertNameFree(name: string): Promise<void> {
    if (await this.prisma.db.role.findUnique({ where: { name } })) {
      throw new AppError('CONFLICT', `a role named "${name}" exists`, {
        issues: [{ path: 'name', message: 'already taken' }],
      });
    }
  }

  private entry(
    action: 'role.create' | 'role.update' | 'role.delete',
    role: Role,
    principal: Principal,
    req: IncomingMessage,
  ): AuditEntry {
    return {
      ...auditFacts(principal, req),
      action,
      outcome: 'success',
      target: role.name,
      details: { roleId: role.id, permissions: JSON.parse(role.permissions) as unknown },
    };
  }
}

function toRoleDto(row: Role): TRole {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    permissions: JSON.parse(row.permissions) as string[],
    builtIn: false,
    ownedOnly: false,
  };
}
