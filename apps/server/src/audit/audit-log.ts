import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuditAction, AuditOutcome } from '@berth/shared';
import { PrismaService } from '../database/prisma.service.js';

export interface AuditActor {
  type: 'user' | 'token' | 'webhook' | 'system' | 'anonymous';
  id: string | null;
  name: string;
}

export interface AuditEntry {
  actor: AuditActor;
  action: AuditAction;
  outcome: AuditOutcome;
  ip?: string;
  userAgent?: string;
  hostId?: string | null;
  target?: string | null;
  status?: number | null;
  requestId?: string | null;
  /** Free-form facts; callers pass only non-secret values (never env values, keys or passwords). */
  details?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);
// Serialises writers across replicas on PostgreSQL so the hash chain stays linear.
const PG_CHAIN_LOCK = 724_031_978;

/**
 * The append-only audit log. `record` resolves only after the row is committed, so callers await
 * it before answering. Every row carries the hash of the previous one.
 */
@Injectable()
export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly prisma: PrismaService) {}

  record(entry: AuditEntry): Promise<void> {
    const write = this.tail.then(() => this.append(entry));
    this.tail = write.catch(() => undefined);
    return write;
  }

  private async append(entry: AuditEntry): Promise<void> {
    const time = new Date();
    await this.prisma.db.$transaction(async (tx) => {
      if (this.prisma.config.database.provider === 'postgresql') {
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${PG_CHAIN_LOCK})`);
      }
      const last = await tx.auditEvent.findFirst({
        orderBy: { id: 'desc' },
        select: { hash: true },
      });
      const prevHash = last?.hash ?? GENESIS;
      const row = {
        time,
        actorType: entry.actor.type,
        actorId: entry.actor.id,
        actorName: entry.actor.name,
        ip: entry.ip ?? '',
        userAgent: (entry.userAgent ?? '').slice(0, 512),
        hostId: entry.hostId ?? null,
        action: entry.action,
        target: entry.target ?? null,
        outcome: entry.outcome,
        status: entry.status ?? null,
        requestId: entry.requestId ?? null,
        details: entry.details ? JSON.stringify(entry.details) : null,
        prevHash,
      };
      await tx.auditEvent.create({ data: { ...row, hash: chainHash(row) } });
    });
  }

  /** Walks the chain from the start; reports the first row whose hash or link does not match. */
  async verify(): Promise<{ ok: boolean; checked: number; brokenAt?: number }> {
    let prevHash = GENESIS;
    let checked = 0;
    let cursor = 0;
    for (;;) {
      const rows = await this.prisma.db.auditEvent.findMany({
        where: { id: { gt: cursor } },
        orderBy: { id: 'asc' },
        take: 1000,
      });
      if (rows.length === 0) return { ok: true, checked };
      for (const row of rows) {
        if (row.prevHash !== prevHash || chainHash(row) !== row.hash) {
          return { ok: false, checked, brokenAt: row.id };
        }
        prevHash = row.hash;
        checked += 1;
        cursor = row.id;
      }
    }
  }
}

interface ChainFields {
  time: Date;
  actorType: string;
  actorId: string | null;
  actorName: string;
  ip: string;
  userAgent: string;
  hostId: string | null;
  action: string;
  target: string | null;
  outcome: string;
  status: number | null;
  requestId: string | null;
  details: string | null;
  prevHash: string;
}

function chainHash(row: ChainFields): string {
  const fields = [
    row.prevHash,
    row.time.toISOString(),
    row.actorType,
    row.actorId ?? '',
    row.actorName,
    row.ip,
    row.userAgent,
    row.hostId ?? '',
    row.action,
    row.target ?? '',
    row.outcome,
    row.status === null ? '' : String(row.status),
    row.requestId ?? '',
    row.details ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
