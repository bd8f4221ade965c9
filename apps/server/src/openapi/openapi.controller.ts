import { Controller, Get, Header, Inject } from '@nestjs/common';
import { buildOpenApiDocument } from '@berth/shared';
import { Access } from '../auth/access.decorator.js';
import { CONFIG, type Config } from '../config/config.js';

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Berth API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/init.js"></script>
</body>
</html>`;

const INIT_SCRIPT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#reference', deepLinking: true });`;

@Controller()
@Access('public')
export class OpenApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(CONFIG) config: Config) {
    this.document = buildOpenApiDocument(config.version);
  }

  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    return this.document;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  docs(): string {
    return DOCS_PAGE;
  }

  // Served from this origin so the page works under a strict Content-Security-Policy.
  @Get('docs/assets/init.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  init(): string {
    return INIT_SCRIPT;
  }
}
