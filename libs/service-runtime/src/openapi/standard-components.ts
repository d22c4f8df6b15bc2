import type { JsonSchema } from './json-schema';

/** The error answers every service gives the same way (AllExceptionsFilter), shared by every operation. */

export const API_KEY_SCHEME = 'apiKey';

export type ErrorResponse =
  'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'Conflict' | 'PayloadTooLarge' | 'ServiceUnavailable';

export const ERROR_STATUS: Record<ErrorResponse, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  PayloadTooLarge: 413,
  ServiceUnavailable: 503,
};

export const errorSchemas: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    required: ['statusCode', 'message'],
    properties: {
      statusCode: { type: 'integer', description: 'the HTTP status again' },
      message: { type: 'string', description: 'why, in a sentence' },
      requestId: { type: 'string', description: 'the id of the request, also in the access log' },
    },
  },
  ValidationError: {
    allOf: [
      { $ref: '#/components/schemas/Error' },
      {
        type: 'object',
        properties: {
          errors: {
            type: 'array',
            items: { type: 'string' },
            description: 'one line per problem, `field: problem` (absent when the body is not JSON at all)',
          },
        },
      },
    ],
  },
};

function errorResponse(description: string, example: Record<string, unknown>, schema = 'Error') {
  return {
    description,
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` }, example } },
  };
}

export const errorResponses: Record<ErrorResponse, unknown> = {
  BadRequest: errorResponse(
    'The request is invalid; `errors` names every problem.',
    {
      statusCode: 400,
      message: 'invalid body',
      errors: ['name: must not be empty', 'body: unknown field(s) colour'],
      requestId: '9b2c6a4e-3f41-4a53-8f0e-5d1b7c2e9a10',
    },
    'ValidationError',
  ),
  Unauthorized: errorResponse(
    'No valid API key: missing, malformed, unknown, wrong, expired or revoked (all answered alike).',
    { statusCode: 401, message: 'a valid API key is required: Authorization: Bearer tsk_...' },
  ),
  Forbidden: errorResponse("The key's role lacks the permission the operation needs.", {
    statusCode: 403,
    message: 'the developer role may not do this (needs team:write)',
  }),
  NotFound: errorResponse("No such resource (another tenant's resources are not found either).", {
    statusCode: 404,
    message: 'no such team',
  }),
  Conflict: errorResponse('The change conflicts with what exists (a name in use, something still depending on it).', {
    statusCode: 409,
    message: 'a team with this name exists',
  }),
  PayloadTooLarge: errorResponse('The body is larger than the operation takes (JSON bodies: 64 KB).', {
    statusCode: 413,
    message: 'request entity too large',
  }),
  ServiceUnavailable: errorResponse('The service is not ready yet (its database is not connected); retry shortly.', {
    statusCode: 503,
    message: 'the database is not ready yet; retry shortly',
  }),
};

export const apiKeySecurityScheme = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'tsk_<key id>_<secret>',
  description: 'An API key: `Authorization: Bearer tsk_...`. Keys are shown once, when they are created.',
};
