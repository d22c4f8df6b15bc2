import { SetMetadata } from '@nestjs/common';

/**
 * Optional decorators for the API document. Nothing requires them: routes, inputs, status codes and permissions
 * are read from what controllers declare anyway (see route-inspector.ts).
 */

export const API_SUMMARY = Symbol('tessera-api-summary');
export const API_EXCLUDED = Symbol('tessera-api-excluded');
export const API_RAW_BODY = Symbol('tessera-api-raw-body');
export const API_KEY_GUARD = Symbol('tessera-api-key-guard');

/** A one-line summary of the route (the default is its method and path). */
export const ApiSummary = (summary: string) => SetMetadata(API_SUMMARY, summary);

/** Leaves a route, or every route of a controller, out of the document (the document's own routes). */
export const ApiExcluded = () => SetMetadata(API_EXCLUDED, true);

export interface RawBody {
  /** Media types the route takes, e.g. `application/vnd.android.package-archive`. */
  mediaTypes: readonly string[];
  description?: string;
}

/** For a route that reads its body itself (a streamed upload) rather than through a validation pipe. */
export const ApiRawBody = (body: RawBody) => SetMetadata(API_RAW_BODY, body);

/**
 * Put on a guard class that checks `Authorization: Bearer <API key>`: every route it guards is documented with the
 * bearer security scheme (and its 401 and 503 answers).
 */
export const DocumentedAsApiKeyGuard = () => SetMetadata(API_KEY_GUARD, true);
