import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import type { AuditAction, AuditOutcome } from '@berth/shared';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/sqlite/client.js';
import {
  type EngineCheck,
  type IntendedEntry,
  type PendingChange,
  type Settlement,
  encodeIntent,
  settledEntry,
} from './audit-intent.js';

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
/** A burst of changes queues for SQLite's one connection: waiting is fine, failing is not. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 };
// Serialises writers across replicas on PostgreSQL so the hash chain stays linear.
const PG_CHAIN_LOCK = 724_031_978;

/**
 * The append-only audit log. `record` resolves only after the row is committed, so callers await
 * it before answering. Every row carries the hash of the previous one.
 *
 * A change made in the database alone is written with its record in one transaction (`change`).
 * An engine change cannot share a transaction with the engine, so it is journaled: `intend` commits
 * an AuditIntent row before the engine is asked, and `settle` replaces that row with the audit
 * record in one transaction. A crash leaves either the intent or the record, never both nor
 * neither; intents left over are settled at the next start (AuditIntentRecovery).
 *
 * Retention (BERTH_AUDIT_RETENTION_DAYS) deletes the oldest rows, so `verify` starts at the oldest
 * row still kept and trusts its `prevHash`: the chain proves that no kept row was altered, removed
 * or inserted after the fact, not that nothing older than the first kept row existed. Each prune
 * is itself recorded (`audit.prune`, with how many rows went and up to which id).
 */
@Injectable()
export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();
  /** What stays the same when this server restarts: its machine and its data directory. */
  readonly replica: string;
  /** This run of the server; intents of another run of the same replica are from a dead process. */
  readonly process = randomUUID();
  /** Intents this process wrote and has not settled yet, with when they were last marked held. */
  private readonly held = new Map<string, number>();

  constructor(private readonly prisma: PrismaService) {
    this.replica = `${hostname()}:${prisma.config.dataDir}`;
  }

  record(entry: AuditEntry): Promise<void> {
    return this.change(() => Promise.resolve({ result: undefined, entry }));
  }

  /**
   * Makes a change and writes its audit record in one transaction, so a change is never stored
   * without its record (nor a record without its change), even if the process dies in between.
   * Keep `work` to database writes: checks and password hashing belong before it.
   */
  change<T>(work: (tx: Tx) => Promise<Audited<T>>): Promise<T> {
    return this.enqueue(work);
  }

  /**
   * Journals an engine change before it is made: resolves once the intent is committed, so the
   * caller may then ask the engine. `check` lets a later start ask the engine how it ended if this
   * process dies before settling. Reads are never journaled, and nothing secret may be in `entry`.
   */
  async intend(entry: IntendedEntry, check?: EngineCheck): Promise<PendingChange> {
    const now = new Date();
    const text = encodeIntent(entry, check);
    // The record is built from what was journaled, as it would be by a later start.
    const journaled = (JSON.parse(text) as { entry: IntendedEntry }).entry;
    const data = {
      id: randomUUID(),
      entry: text,
      createdAt: now,
      heldAt: now,
      replica: this.replica,
      process: this.process,
    };
    const db = this.prisma.db;
    if (this.prisma.config.database.provider === 'sqlite') {
      // SQLite has one connection: a statement outside a transaction would join whichever
      // transaction is open on it and commit only with that one. Its own transaction commits now.
      await db.$transaction(
        (tx) => tx.auditIntent.create({ data, select: { id: true } }),
        TX_OPTIONS,
      );
    } else {
      await db.auditIntent.create({ data, select: { id: true } });
    }
    this.held.set(data.id, now.getTime());
    let settled: Promise<void> | undefined;
    return {
      id: data.id,
      settle: (settlement) => (settled ??= this.settle(data.id, journaled, settlement)),
    };
  }

  /** True for an intent this process is still waiting on (the sweep leaves it alone). */
  holds(id: string): boolean {
    return this.held.has(id);
  }

  /**
   * Marks intents held longer than `olderThanMs` as still held (a pull or build may run for
   * minutes), so no other replica takes them for abandoned. One statement, and none when there are
   * no such intents.
   */
  async keepHeld(olderThanMs: number, now = Date.now()): Promise<void> {
    const ids = [...this.held].filter(([, at]) => now - at >= olderThanMs).map(([id]) => id);
    if (ids.length === 0) return;
    await this.prisma.db.auditIntent.updateMany({
      where: { id: { in: ids } },
      data: { heldAt: new Date(now) },
    });
    for (const id of ids) if (this.held.has(id)) this.held.set(id, now);
  }

  /**
   * Settles an intent another run left: its record is written only if the intent is still there
   * (another replica may have settled it meanwhile). Answers whether this call wrote it.
   */
  settleLeft(id: string, entry: AuditEntry): Promise<boolean> {
    return this.enqueue(async (tx) => {
      const { count } = await tx.auditIntent.deleteMany({ where: { id } });
      return { result: count > 0, entry: count > 0 ? entry : null };
    });
  }

  private async settle(id: string, entry: IntendedEntry, settlement: Settlement): Promise<void> {
    const record = settledEntry(entry, settlement);
    try {
      await this.enqueue(async (tx) => {
        const { count } = await tx.auditIntent.deleteMany({ where: { id } });
        // Taken for abandoned by another replica (this process stalled past the bound): the real
        // outcome is still written, after the `unknown` one, and says so.
        if (count === 0) record.details = { ...record.details, intentSettledEarlier: true };
        return { result: undefined, entry: record };
      });
    } finally {
      // Settled, or left for a sweep to settle as unknown once it is no longer marked held.
      this.held.delete(id);
    }
  }

  private enqueue<T>(
    work: (tx: Tx) => Promise<{ result: T; entry: AuditEntry | null }>,
  ): Promise<T> {
    const write = this.tail.then(() => this.append(work));
    this.tail = write.catch(() => undefined);
    return write;
  }

  private append<T>(
    work: (tx: Tx) => Promise<{ result: T; entry: AuditEntry | null }>,
  ): Promise<T> {
    return this.prisma.db.$transaction(async (tx) => {
      if (this.prisma.config.database.provider === 'postgresql') {
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${PG_CHAIN_LOCK})`);
      }
      const { result, entry } = await work(tx);
      if (entry === null) return result;
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
    }, TX_OPTIONS);
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
