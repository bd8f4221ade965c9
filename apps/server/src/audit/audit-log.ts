import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuditAction, AuditOutcome } from '@berth/shared';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/sqlite/client.js';

/** A database transaction; a change and its audit record share one. */
export type Tx = Prisma.TransactionClient;

/** What a change answers, and the record that describes it. */
export interface Audited<T> {
  result: T;
  entry: AuditEntry;
}

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
 *
 * Retention (BERTH_AUDIT_RETENTION_DAYS) deletes the oldest rows, so `verify` starts at the oldest
 * row still kept and trusts its `prevHash`: the chain proves that no kept row was altered, removed
 * or inserted after the fact, not that nothing older than the first kept row existed. Each prune
 * is itself recorded (`audit.prune`, with how many rows went and up to which id).
 */
@Injectable()
export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly prisma: PrismaService) {}

  record(entry: AuditEntry): Promise<void> {
    return this.change(() => Promise.resolve({ result: undefined, entry }));
  }

  /**
   * Makes a change and writes its audit record in one transaction, so a change is never stored
   * without its record (nor a record without its change), even if the process dies in between.
   * Keep `work` to database writes: checks and password hashing belong before it.
   */
  change<T>(work: (tx: Tx) => Promise<Audited<T>>): Promise<T> {
    const write = this.tail.then(() => this.append(work));
    this.tail = write.catch(() => undefined);
    return write;
  }

  private append<T>(work: (tx: Tx) => Promise<Audited<T>>): Promise<T> {
    return this.prisma.db.$transaction(
      async (tx) => {
        if (this.prisma.config.database.provider === 'postgresql') {
          await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${PG_CHAIN_LOCK})`);
        }
        const { result, entry } = await work(tx);
        const last = await tx.auditEvent.findFirst({
          orderBy: { id: 'desc' },
          select: { hash: true },
        });
        const row = {
          // Taken under the chain lock, so time order follows id order across replicas.
          time: new Date(),
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
          prevHash: last?.hash ?? GENESIS,
        };
        await tx.auditEvent.create({ data: { ...row, hash: chainHash(row) } });
        return result;
      },
      { maxWait: 10_000, timeout: 20_000 },
    );
  }

  /** Walks the chain from the oldest kept row; reports the first row whose hash or link is wrong. */
  async verify(): Promise<{ ok: boolean; checked: number; brokenAt?: number; firstId?: number }> {
    const first = await this.prisma.db.auditEvent.findFirst({ orderBy: { id: 'asc' } });
    if (!first) return { ok: true, checked: 0 };
    let prevHash = first.prevHash;
    let checked = 0;
    let cursor = first.id - 1;
    for (;;) {
      const rows = await this.prisma.db.auditEvent.findMany({
        where: { id: { gt: cursor } },
        orderBy: { id: 'asc' },
        take: 1000,
      });
      if (rows.length === 0) return { ok: true, checked, firstId: first.id };
      for (const row of rows) {
        if (row.prevHash !== prevHash || chainHash(row) !== row.hash) {
          return { ok: false, checked, brokenAt: row.id, firstId: first.id };
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
