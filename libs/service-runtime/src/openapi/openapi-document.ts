import { STATUS_CODES } from 'node:http';
import { can, type Permission, ROLES } from '@tessera/access';
import type { z } from 'zod';
import { type JsonSchema, SchemaConverter } from './json-schema';
import type { HttpMethod, InspectedRoute, RouteInput } from './route-inspector';
import {
  API_KEY_SCHEME,
  apiKeySecurityScheme,
  ERROR_STATUS,
  type ErrorResponse,
  errorResponses,
  errorSchemas,
} from './standard-components';

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
  style?: 'form';
  explode?: boolean;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Parameter[];
  requestBody?: { required: boolean; description?: string; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
  'x-tessera-permission'?: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  tags: { name: string }[];
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, unknown>;
    securitySchemes: Record<string, unknown>;
  };
}

export interface DocumentInfo {
  title: string;
  version: string;
  description?: string;
}

/** OpenAPI's order of methods within a path, which Swagger UI keeps. */
const METHOD_ORDER: readonly HttpMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];
const WRITES: ReadonlySet<HttpMethod> = new Set(['post', 'put', 'patch', 'delete']);

/** The OpenAPI 3.1 document of a service's routes (see route-inspector.ts for where they come from). */
export function buildOpenApiDocument(routes: readonly InspectedRoute[], info: DocumentInfo): OpenApiDocument {
  const converter = new SchemaConverter();
  const operationIds = new Set<string>();
  const paths: OpenApiDocument['paths'] = {};
  const sorted = [...routes].sort(
    (a, b) => a.path.localeCompare(b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method),
  );
  for (const route of sorted) {
    const item = (paths[route.path] ??= {});
    // Two handlers for one method and path: Express only ever calls the first.
    if (item[route.method]) continue;
    item[route.method] = operationOf(route, converter, uniqueId(operationIds, route));
  }
  const tags = [...new Set(sorted.map(tagOf))].sort().map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info,
    tags,
    paths,
    components: {
      schemas: { ...errorSchemas, ...converter.components },
      responses: errorResponses,
      securitySchemes: { [API_KEY_SCHEME]: apiKeySecurityScheme },
    },
  };
}

function operationOf(route: InspectedRoute, converter: SchemaConverter, operationId: string): Operation {
  const pathNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
  const parameters = parametersOf(route, pathNames, converter, operationId);
  const requestBody = requestBodyOf(route, converter, operationId);
  const takesInput = requestBody !== undefined || route.inputs.some((input) => 'schema' in input && input.schema);
  const errors: ErrorResponse[] = [];
  if (takesInput) errors.push('BadRequest');
  if (route.apiKeyAuth) errors.push('Unauthorized');
  if (route.permission) errors.push('Forbidden');
  if (pathNames.length > 0) errors.push('NotFound');
  if (route.apiKeyAuth && WRITES.has(route.method)) errors.push('Conflict');
  if (requestBody) errors.push('PayloadTooLarge');
  if (route.apiKeyAuth) errors.push('ServiceUnavailable');
  const responses: Record<string, unknown> = { [String(route.status)]: successOf(route) };
  for (const error of errors) responses[String(ERROR_STATUS[error])] = { $ref: `#/components/responses/${error}` };
  return {
    operationId,
    summary: route.summary ?? `${route.method.toUpperCase()} ${route.path}`,
    ...(route.permission ? { description: permissionLine(route.permission) } : {}),
    tags: [tagOf(route)],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    ...(route.apiKeyAuth ? { security: [{ [API_KEY_SCHEME]: [] }] } : {}),
    ...(route.permission ? { 'x-tessera-permission': route.permission } : {}),
  };
}

function parametersOf(
  route: InspectedRoute,
  pathNames: string[],
  converter: SchemaConverter,
  operationId: string,
): Parameter[] {
  const pathSchemas = new Map<string, Omit<Parameter, 'in' | 'required'>>();
  const query: Parameter[] = [];
  const headers: Parameter[] = [];
  for (const input of route.inputs) {
    switch (input.location) {
      case 'path':
        if (!input.schema) break;
        for (const parameter of expand(input, converter, `${operationId}.path`)) {
          pathSchemas.set(parameter.name, parameter);
        }
        break;
      case 'query':
        query.push(...expand(input, converter, `${operationId}.query`));
        break;
      case 'header':
        // The API key is the security scheme's business; OpenAPI ignores an Authorization parameter anyway.
        if (input.name !== 'authorization')
          headers.push({ name: input.name, in: 'header', required: false, schema: { type: 'string' } });
        break;
      case 'body':
        break;
    }
  }
  const path = pathNames.map((name): Parameter => ({
    ...(pathSchemas.get(name) ?? { name, schema: { type: 'string' } }),
    in: 'path',
    required: true,
  }));
  const seen = new Set<string>();
  return [...path, ...query, ...headers].filter((parameter) => {
    const key = `${parameter.in} ${parameter.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A named query or path input is one parameter; a whole-object one (`@Query(query(Schema))`) is one parameter per
 * property of its schema, or, for a schema that is not a plain object, a single form-exploded object parameter.
 */
function expand(
  input: Extract<RouteInput, { location: 'query' | 'path' }>,
  converter: SchemaConverter,
  name: string,
): Parameter[] {
  const where = input.location;
  if (!input.schema) return input.name ? [{ name: input.name, in: where, required: false, schema: {} }] : [];
  if (input.name) {
    const schema = converter.convert(input.schema, `${name}.${input.name}`);
    return [{ name: input.name, in: where, required: !accepts(input.schema, undefined), schema, ...described(schema) }];
  }
  const schema = converter.convert(input.schema, name);
  const object = converter.resolve(schema);
  const properties =
    object.type === 'object' ? (object.properties as Record<string, JsonSchema> | undefined) : undefined;
  if (!properties) return [{ name: where, in: where, required: false, schema, style: 'form', explode: true }];
  const required = new Set((object.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([property, propertySchema]) => ({
    name: property,
    in: where,
    required: required.has(property),
    schema: propertySchema,
    ...described(propertySchema),
  }));
}

function requestBodyOf(
  route: InspectedRoute,
  converter: SchemaConverter,
  operationId: string,
): Operation['requestBody'] | undefined {
  if (route.rawBody) {
    const content = Object.fromEntries(
      route.rawBody.mediaTypes.map((type) => [type, { schema: { type: 'string', contentMediaType: type } }]),
    );
    return {
      required: true,
      ...(route.rawBody.description ? { description: route.rawBody.description } : {}),
      content,
    };
  }
  const body = route.inputs.find((input) => input.location === 'body');
  if (!body) return undefined;
  if (!body.schema) return { required: false, content: { 'application/json': { schema: {} } } };
  return {
    // A missing body is validated as `{}` (ZodValidationPipe): it is optional when `{}` passes.
    required: !accepts(body.schema, {}),
    content: { 'application/json': { schema: converter.convert(body.schema, `${operationId}.body`) } },
  };
}

function successOf(route: InspectedRoute): unknown {
  const description = STATUS_CODES[route.status] ?? String(route.status);
  if (route.status === 204 || route.status === 304) return { description };
  return { description, content: { [route.contentType ?? 'application/json']: {} } };
}

function permissionLine(permission: string): string {
  const roles = ROLES.filter((role) => can({ role }, permission as Permission));
  const granted = roles.length > 0 ? `granted to ${roles.join(', ')}` : 'granted to no role';
  return `Needs the \`${permission}\` permission (${granted}).`;
}

function tagOf(route: InspectedRoute): string {
  return route.controller.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function uniqueId(taken: Set<string>, route: InspectedRoute): string {
  const base = `${route.controller.charAt(0).toLowerCase()}${route.controller.slice(1)}.${route.handler}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}.${n}`;
  taken.add(id);
  return id;
}

function described(schema: JsonSchema): { description?: string } {
  return typeof schema.description === 'string' ? { description: schema.description } : {};
}

/** Whether the schema takes the value; a schema that cannot say synchronously (async refinements) does not. */
function accepts(schema: z.ZodType, value: unknown): boolean {
  try {
    return schema.safeParse(value).success;
  } catch {
    return false;
  }
}
