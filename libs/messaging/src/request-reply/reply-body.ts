import { type ReplyError, type RequestDefinition, replySchema } from '@tessera/contracts';
import type { z } from 'zod';

type ReplySchema = ReturnType<typeof replySchema<z.ZodType>>;

export type DecodedReply =
  { kind: 'result'; result: unknown } | { kind: 'error'; error: ReplyError } | { kind: 'malformed'; reason: string };

// replySchema builds a new zod schema on each call; one per definition is enough (and this is the hot path).
const schemas = new WeakMap<RequestDefinition, ReplySchema>();

function replySchemaOf(definition: RequestDefinition): ReplySchema {
  let schema = schemas.get(definition);
  if (!schema) {
    schema = replySchema(definition.result);
    schemas.set(definition, schema);
  }
  return schema;
}

/** Reads a reply body against its request's reply schema. */
export function decodeReply(definition: RequestDefinition, value: Buffer | null): DecodedReply {
  if (value === null) return { kind: 'malformed', reason: 'the reply has no body' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { kind: 'malformed', reason: 'the reply is not JSON' };
  }
  const parsed = replySchemaOf(definition).safeParse(json);
  if (!parsed.success) return { kind: 'malformed', reason: describeIssues(parsed.error) };
  return parsed.data.ok ? { kind: 'result', result: parsed.data.result } : { kind: 'error', error: parsed.data.error };
}

export function encodeResult(result: unknown): string {
  return JSON.stringify({ ok: true, result });
}

/** The message is cut to what ReplyErrorSchema allows, so that a long reason cannot make the reply itself invalid. */
export function encodeError(code: ReplyError['code'], message: string): string {
  return JSON.stringify({ ok: false, error: { code, message: message.slice(0, 2000) } });
}

/** The first few zod issues, path first: enough to find the bug, short enough for a reply or a log line. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
