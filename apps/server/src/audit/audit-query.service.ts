import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { Injectable, StreamableFile } from '@nestjs/common';
import type {
  TAuditExportQuery,
  TAuditFilter,
  TAuditPage,
  TAuditQuery,
  TAuditVerifyResult,
} from '@berth/shared';
import type { Principal } from '../auth/principal.js';
import { PrismaService } from '../database/prisma.service.js';
import type { AuditEvent } from '../generated/sqlite/client.js';
import { auditFacts } from './audit-context.js';
import { toAuditEventDto } from './audit-event-dto.js';
import { AUDIT_EXPORT_FORMATS } from './audit-export-format.js';
import { auditWhere } from './audit-filter.js';
import { AuditLog } from './audit-log.js';

const EXPORT_BATCH = 500;

/** Reading the audit log: filtered pages (newest first), streamed exports and the chain check. */
@Injectable()
export class AuditQueryService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLog,
  ) {}

  async page(query: TAuditQuery): Promise<TAuditPage> {
    const where = auditWhere(query);
    if (query.cursor) where.push({ id: { lt: Number(query.cursor) } });
    const rows = await this.prisma.db.auditEvent.findMany({
      where: { AND: where },
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    const more = rows.length > query.limit;
    return {
      items: items.map(toAuditEventDto),
      nextCursor: more ? String(items.at(-1)?.id) : null,
    };
  }

  /**
   * Streams every matching record, oldest first, a batch at a time: memory stays flat however
   * large the log, and a client that stops reading pauses the database reads. The export is
   * itself recorded.
   */
  async export(
    query: TAuditExportQuery,
    principal: Principal,
    req: IncomingMessage,
  ): Promise<StreamableFile> {
    const { format: formatName, ...filter } = query;
    const format = AUDIT_EXPORT_FORMATS[formatName];
    await this.audit.record({
      ...auditFacts(principal, req),
      action: 'audit.export',
      outcome: 'success',
      details: { format: formatName, filter },
    });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const lines = this.lines(filter, format.header, format.line);
    return new StreamableFile(Readable.from(lines), {
      type: format.contentType,
      disposition: `attachment; filename="berth-audit-${stamp}.${format.extension}"`,
    });
  }

  verify(): Promise<TAuditVerifyResult> {
    return this.audit.verify();
  }

  private async *lines(
    filter: TAuditFilter,
    header: string,
    line: (row: AuditEvent) => string,
  ): AsyncGenerator<string> {
    if (header) yield header;
    let after = 0;
    for (;;) {
      const rows = await this.prisma.db.auditEvent.findMany({
        where: { AND: [...auditWhere(filter), { id: { gt: after } }] },
        orderBy: { id: 'asc' },
        take: EXPORT_BATCH,
      });
      if (rows.length === 0) return;
      yield rows.map(line).join('');
      after = rows.at(-1)?.id ?? after;
      if (rows.length < EXPORT_BATCH) return;
    }
  }
}
