import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Controller, Get, Header, Inject, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import { ApiDocument } from './api-document';
import { ApiExcluded } from './api-metadata';
import {
  DOCS_CONTENT_SECURITY_POLICY,
  docsPage,
  INITIALIZER_FILE,
  initializerScript,
  SWAGGER_UI_FILES,
  swaggerUiDirectory,
} from './swagger-ui';

/**
 * `GET /openapi.json`: the service's OpenAPI document. `GET /docs`: Swagger UI on it, from the installed
 * swagger-ui-dist package. Neither needs a key (the document describes the API, it holds no data); neither is in
 * the document itself.
 */
@ApiExcluded()
@Controller()
export class ApiDocsController {
  private readonly page: string;

  constructor(@Inject(ApiDocument) private readonly api: ApiDocument) {
    this.page = docsPage(api.title);
  }

  @Get('openapi.json')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  document(): string {
    return this.api.json;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  docs(): string {
    return this.page;
  }

  @Get('docs/:file')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'public, max-age=3600')
  asset(@Param('file') file: string): StreamableFile {
    if (file === INITIALIZER_FILE) {
      return new StreamableFile(Buffer.from(initializerScript), { type: 'text/javascript; charset=utf-8' });
    }
    // Only the listed files: the name never reaches the file system unless it is one of them.
    const type = Object.hasOwn(SWAGGER_UI_FILES, file) ? SWAGGER_UI_FILES[file] : undefined;
    if (!type) throw new NotFoundException('no such file');
    return new StreamableFile(createReadStream(path.join(swaggerUiDirectory, file)), { type });
  }
}
