import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { SERVICE_NAME } from '../tokens';
import { discoverControllers } from './discover-controllers';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document';
import { inspectControllers } from './route-inspector';
import { tesseraVersion } from './service-version';

/**
 * The service's OpenAPI document, made once when the application has started (every module and controller known)
 * and kept: routes do not change while it runs.
 */
@Injectable()
export class ApiDocument implements OnApplicationBootstrap {
  private made: { document: OpenApiDocument; json: string } | undefined;

  constructor(
    @Inject(ModulesContainer) private readonly modules: ModulesContainer,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  get title(): string {
    return `Tessera ${this.service} API`;
  }

  get document(): OpenApiDocument {
    return this.make().document;
  }

  /** The document as served. */
  get json(): string {
    return this.make().json;
  }

  onApplicationBootstrap(): void {
    // Made now rather than on the first request, so a controller the generator cannot read fails startup (and tests).
    this.make();
  }

  private make(): { document: OpenApiDocument; json: string } {
    if (!this.made) {
      const routes = inspectControllers(discoverControllers(this.modules));
      const document = buildOpenApiDocument(routes, { title: this.title, version: tesseraVersion() });
      this.made = { document, json: JSON.stringify(document) };
    }
    return this.made;
  }
}
