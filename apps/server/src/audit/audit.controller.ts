import { Controller, Get, Query, Req, StreamableFile } from '@nestjs/common';
import {
  type TAuditExportQuery,
  type TAuditPage,
  type TAuditQuery,
  type TAuditVerifyResult,
  ZAuditExportQuery,
  ZAuditQuery,
} from '@berth/shared';
import type { Request } from 'express';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { AuditQueryService } from './audit-query.service.js';

@Controller('audit')
@Access('admin')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  page(@Query({ schema: ZAuditQuery }) query: TAuditQuery): Promise<TAuditPage> {
    return this.audit.page(query);
  }

  @Get('export')
  export(
    @Query({ schema: ZAuditExportQuery }) query: TAuditExportQuery,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<StreamableFile> {
    return this.audit.export(query, principal, req);
  }

  @Get('verify')
  verify(): Promise<TAuditVerifyResult> {
    return this.audit.verify();
  }
}
