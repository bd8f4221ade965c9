import { Controller, Query, Req, StreamableFile } from '@nestjs/common';
import {
  type TAuditExportQuery,
  type TAuditPage,
  type TAuditQuery,
  type TAuditVerifyResult,
  ROUTES,
} from '@berth/shared';
import type { Request } from 'express';
import { Route } from '../common/route.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { AuditQueryService } from './audit-query.service.js';

@Controller()
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Route(ROUTES.listAudit)
  page(@Query() query: TAuditQuery): Promise<TAuditPage> {
    return this.audit.page(query);
  }

  @Route(ROUTES.exportAudit)
  export(
    @Query() query: TAuditExportQuery,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<StreamableFile> {
    return this.audit.export(query, principal, req);
  }

  @Route(ROUTES.verifyAudit)
  verify(): Promise<TAuditVerifyResult> {
    return this.audit.verify();
  }
}
