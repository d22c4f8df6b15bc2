import 'reflect-metadata';
import {
  Body,
  type CanActivate,
  Controller,
  Delete,
  Get,
  Header,
  Headers,
  HttpCode,
  Injectable,
  Module,
  Param,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { z } from 'zod';
import { Requires } from '../http/requires';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { ApiExcluded, ApiRawBody, ApiSummary, DocumentedAsApiKeyGuard } from './api-metadata';
import { discoverControllers } from './discover-controllers';
import { buildOpenApiDocument, type OpenApiDocument, type Operation, type Parameter } from './openapi-document';
import { inspectControllers, toOpenApiPath } from './route-inspector';

const CreateWidget = z.strictObject({
  name: z.string().min(1).max(100),
  colour: z.enum(['red', 'blue']).optional(),
  expiresAt: z.iso
    .datetime({ offset: true })
    .transform((v) => new Date(v))
    .optional(),
});
const ListWidgets = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    from: z.iso.datetime({ offset: true }).transform((v) => new Date(v)),
    owner: z
      .string()
      .regex(/^[0-9a-f]{16}$/)
      .describe('key id of the owner')
      .optional(),
  })
  .refine((q) => q.from.getTime() > 0, { error: 'from must be after 1970' });
const WidgetId = z.uuid();

const body = <S extends z.ZodType>(schema: S) => new ZodValidationPipe(schema, { location: 'body' });
const query = <S extends z.ZodType>(schema: S) => new ZodValidationPipe(schema, { location: 'query' });
const widgetId = () => new ZodValidationPipe(WidgetId, { location: 'path', what: 'widget id' });

@Injectable()
@DocumentedAsApiKeyGuard()
class KeyGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Controller('v1/widgets')
@UseGuards(KeyGuard)
@Requires('app:read')
class WidgetsController {
  @Get()
  list(@Query(query(ListWidgets)) q: unknown) {
    return q;
  }

  @Post()
  @Requires('app:write')
  @ApiSummary('Create a widget')
  create(@Body(body(CreateWidget)) input: unknown) {
    return input;
  }

  @Get(':widgetId')
  get(@Param('widgetId', widgetId()) id: string) {
    return id;
  }

  @Delete(':widgetId')
  @HttpCode(204)
  @Requires('key:manage')
  remove(@Param('widgetId', widgetId()) _id: string): void {
    // nothing to do
  }

  @Put(':widgetId/parts/:part')
  @ApiRawBody({ mediaTypes: ['application/octet-stream'], description: 'the part, as bytes' })
  upload(@Param('widgetId', widgetId()) id: string, @Headers('X-Checksum') _checksum: string) {
    return id;
  }

  @Get('internal')
  @ApiExcluded()
  internal() {
    return 'hidden';
  }

  /** Not a route: no method decorator. */
  helper() {
    return 'not a route';
  }
}

@Controller('status')
class StatusController {
  @Get()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  status() {
    return 'ok';
  }

  @Get('items/:itemId')
  item(@Param('itemId') itemId: string) {
    return itemId;
  }
}

@ApiExcluded()
@Controller('hidden')
class HiddenController {
  @Get()
  hidden() {
    return 'hidden';
  }
}

function documentOf(...controllers: (new () => object)[]): OpenApiDocument {
  return buildOpenApiDocument(inspectControllers(controllers), { title: 'Tessera test API', version: '1.2.3' });
}

function operation(document: OpenApiDocument, method: 'get' | 'post' | 'put' | 'delete', path: string): Operation {
  const found = document.paths[path]?.[method];
  if (!found) throw new Error(`no ${method} ${path} in ${JSON.stringify(Object.keys(document.paths))}`);
  return found;
}

function parameter(op: Operation, where: Parameter['in'], name: string): Parameter {
  const found = op.parameters?.find((p) => p.in === where && p.name === name);
  if (!found) throw new Error(`no ${where} parameter ${name} in ${op.operationId}`);
  return found;
}

describe('the OpenAPI document', () => {
  const document = documentOf(WidgetsController, StatusController, HiddenController);

  it('is OpenAPI 3.1 with the title and version given', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toEqual({ title: 'Tessera test API', version: '1.2.3' });
  });

  it('lists every route with its method, and nothing that is excluded or not a route', () => {
    const routes = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual([
      'DELETE /v1/widgets/{widgetId}',
      'GET /status',
      'GET /status/items/{itemId}',
      'GET /v1/widgets',
      'GET /v1/widgets/{widgetId}',
      'POST /v1/widgets',
      'PUT /v1/widgets/{widgetId}/parts/{part}',
    ]);
  });

  it("describes a body from its pipe's zod schema, as the client sends it", () => {
    const create = operation(document, 'post', '/v1/widgets');
    expect(create.requestBody?.required).toBe(true);
    const schema = create.requestBody?.content['application/json']?.schema;
    expect(schema).toMatchObject({
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100 },
        colour: { type: 'string', enum: ['red', 'blue'] },
        // The input of the transform: a string, not a Date.
        expiresAt: { type: 'string', format: 'date-time' },
      },
      required: ['name'],
      additionalProperties: false,
    });
    expect(Object.keys(schema?.properties ?? {})).toEqual(['name', 'colour', 'expiresAt']);
  });

  it('makes each field of a query schema a query parameter, required unless optional or defaulted', () => {
    const list = operation(document, 'get', '/v1/widgets');
    expect(list.parameters?.map((p) => `${p.in} ${p.name} ${p.required}`)).toEqual([
      'query limit false',
      'query from true',
      'query owner false',
    ]);
    expect(parameter(list, 'query', 'limit').schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    expect(parameter(list, 'query', 'owner')).toMatchObject({
      description: 'key id of the owner',
      schema: { type: 'string', pattern: '^[0-9a-f]{16}$' },
    });
    expect(list.requestBody).toBeUndefined();
  });

  it("describes path parameters by their pipe's schema, and those without a pipe as strings", () => {
    expect(parameter(operation(document, 'get', '/v1/widgets/{widgetId}'), 'path', 'widgetId')).toMatchObject({
      required: true,
      schema: { type: 'string', format: 'uuid' },
    });
    expect(parameter(operation(document, 'get', '/status/items/{itemId}'), 'path', 'itemId')).toEqual({
      name: 'itemId',
      in: 'path',
      required: true,
      schema: { type: 'string' },
    });
    // A path parameter no argument reads is still declared, as OpenAPI requires.
    expect(parameter(operation(document, 'put', '/v1/widgets/{widgetId}/parts/{part}'), 'path', 'part')).toEqual({
      name: 'part',
      in: 'path',
      required: true,
      schema: { type: 'string' },
    });
  });

  it('takes the success status from @HttpCode, else 201 for POST and 200 for the rest', () => {
    expect(Object.keys(operation(document, 'delete', '/v1/widgets/{widgetId}').responses)).toContain('204');
    expect(operation(document, 'delete', '/v1/widgets/{widgetId}').responses['204']).toEqual({
      description: 'No Content',
    });
    expect(operation(document, 'post', '/v1/widgets').responses['201']).toEqual({
      description: 'Created',
      content: { 'application/json': {} },
    });
    expect(operation(document, 'get', '/status').responses['200']).toEqual({
      description: 'OK',
      content: { 'text/plain; charset=utf-8': {} },
    });
  });

  it('documents the permission (the handler’s over the controller’s) as a line and an extension', () => {
    const create = operation(document, 'post', '/v1/widgets');
    expect(create['x-tessera-permission']).toBe('app:write');
    expect(create.description).toBe('Needs the `app:write` permission (granted to admin, developer).');
    const remove = operation(document, 'delete', '/v1/widgets/{widgetId}');
    expect(remove['x-tessera-permission']).toBe('key:manage');
    expect(remove.description).toBe('Needs the `key:manage` permission (granted to admin).');
    expect(operation(document, 'get', '/v1/widgets')['x-tessera-permission']).toBe('app:read');
    expect(operation(document, 'get', '/status')['x-tessera-permission']).toBeUndefined();
  });

  it('puts routes of an API key guard under the bearer scheme, and no others', () => {
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(operation(document, 'get', '/v1/widgets').security).toEqual([{ apiKey: [] }]);
    expect(operation(document, 'get', '/status').security).toBeUndefined();
  });

  it('refers each operation to the shared error answers that apply to it', () => {
    const codes = (op: Operation) => Object.keys(op.responses).sort();
    expect(codes(operation(document, 'post', '/v1/widgets'))).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '503',
    ]);
    expect(codes(operation(document, 'get', '/v1/widgets/{widgetId}'))).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '503',
    ]);
    expect(codes(operation(document, 'get', '/status'))).toEqual(['200']);
    expect(codes(operation(document, 'get', '/status/items/{itemId}'))).toEqual(['200', '404']);
    expect(operation(document, 'post', '/v1/widgets').responses['400']).toEqual({
      $ref: '#/components/responses/BadRequest',
    });
    expect(document.components.responses).toHaveProperty('BadRequest');
    expect(document.components.schemas.ValidationError).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { errors: { type: 'array' } } }],
    });
  });

  it('describes a raw body by its media types, and header arguments as header parameters', () => {
    const upload = operation(document, 'put', '/v1/widgets/{widgetId}/parts/{part}');
    expect(upload.requestBody).toEqual({
      required: true,
      description: 'the part, as bytes',
      content: {
        'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
      },
    });
    expect(parameter(upload, 'header', 'x-checksum')).toMatchObject({ required: false });
  });

  it('gives summaries (@ApiSummary, else method and path), tags by controller and unique operation ids', () => {
    expect(operation(document, 'post', '/v1/widgets').summary).toBe('Create a widget');
    expect(operation(document, 'get', '/v1/widgets/{widgetId}').summary).toBe('GET /v1/widgets/{widgetId}');
    expect(operation(document, 'get', '/v1/widgets').tags).toEqual(['widgets']);
    expect(document.tags).toEqual([{ name: 'status' }, { name: 'widgets' }]);
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('widgets.create');
  });

  it('makes a body whose fields are all optional an optional body', () => {
    @Controller('things')
    class ThingsController {
      @Post()
      create(@Body(body(z.strictObject({ note: z.string().optional() }))) input: unknown) {
        return input;
      }
    }
    expect(operation(documentOf(ThingsController), 'post', '/things').requestBody?.required).toBe(false);
  });

  it('describes a query schema that is not a plain object as one exploded object parameter', () => {
    @Controller('search')
    class SearchController {
      @Get()
      search(@Query(query(z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]))) q: unknown) {
        return q;
      }
    }
    const search = operation(documentOf(SearchController), 'get', '/search');
    expect(search.parameters).toHaveLength(1);
    expect(search.parameters?.[0]).toMatchObject({ name: 'query', in: 'query', style: 'form', explode: true });
    expect(search.parameters?.[0]?.schema.anyOf).toHaveLength(2);
  });

  it('survives schemas JSON Schema cannot express, and ones that contain themselves', () => {
    interface Node {
      children: Node[];
    }
    const NodeSchema: z.ZodType<Node> = z.lazy(() => z.object({ children: z.array(NodeSchema) }));
    @Controller('odd')
    class OddController {
      @Post()
      create(
        @Body(body(z.object({ at: z.date(), check: z.custom<string>(() => true), tree: NodeSchema }))) input: unknown,
      ) {
        return input;
      }
    }
    const odd = documentOf(OddController);
    const schema = operation(odd, 'post', '/odd').requestBody?.content['application/json']?.schema;
    expect(schema).toMatchObject({ properties: { at: {}, check: {} } });
    // Every reference resolves within the document.
    const refs = JSON.stringify(odd).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const target = ref.slice('"$ref":"#/'.length, -1).split('/');
      const resolved = target.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], odd);
      expect(resolved).toBeDefined();
    }
  });
});

describe('toOpenApiPath', () => {
  it('turns Express parameters into OpenAPI templates', () => {
    expect(toOpenApiPath('/v1/apps/:appId/secure-strings/:name')).toBe('/v1/apps/{appId}/secure-strings/{name}');
    expect(toOpenApiPath('/files/*rest')).toBe('/files/{rest}');
    expect(toOpenApiPath('/health')).toBe('/health');
  });
});

describe('discoverControllers', () => {
  it('finds the controllers of every module of an application, once each', async () => {
    @Module({ controllers: [StatusController] })
    class StatusModule {}
    @Module({ imports: [StatusModule], controllers: [WidgetsController, HiddenController], providers: [KeyGuard] })
    class WidgetsModule {}
    const testing = await Test.createTestingModule({ imports: [WidgetsModule] }).compile();
    try {
      const found = discoverControllers(testing.get(ModulesContainer));
      expect(found.map((c) => c.name).sort()).toEqual(['HiddenController', 'StatusController', 'WidgetsController']);
    } finally {
      await testing.close();
    }
  });
});
