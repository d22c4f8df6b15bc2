import { RequestMethod, type Type } from '@nestjs/common';
import {
  GUARDS_METADATA,
  HEADERS_METADATA,
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { MetadataScanner } from '@nestjs/core';
import type { z } from 'zod';
import { PERMISSION } from '../http/requires';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { API_EXCLUDED, API_KEY_GUARD, API_RAW_BODY, API_SUMMARY, type RawBody } from './api-metadata';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch';

/** What a route reads from the request, and the zod schema it is validated with when there is one. */
export type RouteInput =
  | { location: 'body'; schema?: z.ZodType }
  /** Without a name: the whole query (or all path parameters) as one object. */
  | { location: 'query' | 'path'; name?: string; schema?: z.ZodType }
  | { location: 'header'; name: string };

export interface InspectedRoute {
  method: HttpMethod;
  /** In OpenAPI form: `/v1/teams/{teamId}`. */
  path: string;
  /** The controller class name without `Controller`: `Teams`, `ApiKeys`. */
  controller: string;
  handler: string;
  /** The answer on success: `@HttpCode`, else 201 for POST and 200 for the rest (as Nest does). */
  status: number;
  /** The `Content-Type` a `@Header` sets, if any. */
  contentType?: string;
  summary?: string;
  permission?: string;
  /** Guarded by a guard marked `@DocumentedAsApiKeyGuard()`. */
  apiKeyAuth: boolean;
  inputs: RouteInput[];
  rawBody?: RawBody;
}

const METHODS: Partial<Record<RequestMethod, HttpMethod>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.POST]: 'post',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.OPTIONS]: 'options',
  [RequestMethod.HEAD]: 'head',
  [RequestMethod.PATCH]: 'patch',
};

/** Where the arguments of Nest's own parameter decorators come from; the others are not request inputs. */
const LOCATIONS: Partial<Record<number, RouteInput['location']>> = {
  [RouteParamtypes.BODY]: 'body',
  [RouteParamtypes.RAW_BODY]: 'body',
  [RouteParamtypes.QUERY]: 'query',
  [RouteParamtypes.PARAM]: 'path',
  [RouteParamtypes.HEADERS]: 'header',
};

type Handler = (...args: unknown[]) => unknown;

interface RouteArgument {
  index: number;
  data?: unknown;
  pipes?: unknown[];
  schema?: unknown;
}

/**
 * Reads the routes of controllers from the metadata their decorators already left (`@Get`, `@HttpCode`, `@Body`,
 * `@Query` and `@Param` with their pipes, `@UseGuards`, `@Requires`), so a new controller is documented without
 * doing anything for it. Routes with a method OpenAPI has no place for (`@All`, `@Search`) are left out.
 */
export function inspectControllers(controllers: readonly Type[]): InspectedRoute[] {
  const scanner = new MetadataScanner();
  const routes: InspectedRoute[] = [];
  for (const controller of controllers) {
    if (metadata(API_EXCLUDED, controller) === true) continue;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as Handler;
      const requestMethod = metadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (requestMethod === undefined || metadata(API_EXCLUDED, handler) === true) continue;
      const method = METHODS[requestMethod];
      if (!method) continue;
      for (const path of joinPaths(metadata(PATH_METADATA, controller), metadata(PATH_METADATA, handler))) {
        routes.push({
          method,
          path: toOpenApiPath(path),
          controller: controller.name.replace(/Controller$/, ''),
          handler: name,
          status: (metadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === 'post' ? 201 : 200),
          contentType: contentTypeOf(handler),
          summary: metadata(API_SUMMARY, handler) as string | undefined,
          permission: (metadata(PERMISSION, handler) ?? metadata(PERMISSION, controller)) as string | undefined,
          apiKeyAuth: [...guardsOf(controller), ...guardsOf(handler)].some(isApiKeyGuard),
          inputs: inputsOf(controller, name),
          rawBody: metadata(API_RAW_BODY, handler) as RawBody | undefined,
        });
      }
    }
  }
  return routes;
}

/** Express 5 paths (`/v1/teams/:teamId`, `/files/*rest`) in OpenAPI form (`/v1/teams/{teamId}`). */
export function toOpenApiPath(path: string): string {
  return path.replace(/[:*]([A-Za-z_$][\w$]*)/g, '{$1}');
}

function metadata(key: unknown, target: object): unknown {
  return Reflect.getMetadata(key, target);
}

function joinPaths(controllerPaths: unknown, handlerPaths: unknown): string[] {
  const list = (value: unknown): string[] =>
    (Array.isArray(value) ? value : [value ?? '/']).filter((v): v is string => typeof v === 'string');
  return list(controllerPaths).flatMap((prefix) =>
    list(handlerPaths).map((suffix) => {
      const segments = [prefix, suffix].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean);
      return `/${segments.join('/')}`;
    }),
  );
}

function contentTypeOf(handler: Handler): string | undefined {
  const headers = (metadata(HEADERS_METADATA, handler) ?? []) as { name: string; value: unknown }[];
  const contentType = headers.find((header) => header.name.toLowerCase() === 'content-type')?.value;
  return typeof contentType === 'string' ? contentType : undefined;
}

function guardsOf(target: object): unknown[] {
  return (metadata(GUARDS_METADATA, target) ?? []) as unknown[];
}

function isApiKeyGuard(guard: unknown): boolean {
  const type = typeof guard === 'function' ? guard : (guard as object | null)?.constructor;
  return typeof type === 'function' && metadata(API_KEY_GUARD, type) === true;
}

function inputsOf(controller: Type, handlerName: string): RouteInput[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handlerName) ?? {}) as Record<
    string,
    RouteArgument
  >;
  const inputs: RouteInput[] = [];
  for (const [key, arg] of Object.entries(args).sort(([, a], [, b]) => a.index - b.index)) {
    // Keys are `<paramtype>:<index>`; custom decorators (`@CurrentPrincipal()`) have keys that are not numbers.
    const paramtype = Number(key.split(':')[0]);
    const name = typeof arg.data === 'string' ? arg.data : undefined;
    const validation = arg.pipes?.find((pipe): pipe is ZodValidationPipe => pipe instanceof ZodValidationPipe);
    const schema = validation?.schema ?? (isZodSchema(arg.schema) ? arg.schema : undefined);
    // The pipe says what it validates; without one, the decorator does.
    const location = validation?.input.location ?? LOCATIONS[paramtype];
    switch (location) {
      case 'body':
        inputs.push({ location, schema });
        break;
      case 'query':
      case 'path':
        inputs.push({ location, name, schema });
        break;
      case 'header':
        if (name) inputs.push({ location, name: name.toLowerCase() });
        break;
      case undefined:
        break;
    }
  }
  return inputs;
}

/** Nest 12 also takes a Standard Schema in `@Body({ schema })`; zod's is documented like a pipe's. */
function isZodSchema(value: unknown): value is z.ZodType {
  const standard = (value as { '~standard'?: { vendor?: unknown } } | null | undefined)?.['~standard'];
  return standard?.vendor === 'zod';
}
