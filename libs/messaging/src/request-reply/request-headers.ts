import { RequestHeaders } from '@tessera/contracts';
import type { IHeaders } from 'kafkajs';

/** What a request's headers say: where to reply, under which id, until when, and what it is. */
export interface RequestAddress {
  correlationId: string;
  replyTo: string;
  /** Epoch milliseconds. */
  deadline: number;
  type: string;
  version: number;
}

/** What a reply's headers say; the requester routes on these before it reads the body. */
export interface ReplyAddress {
  correlationId: string;
  replyTo: string;
  type: string;
  version: number;
}

export type ParsedHeaders<T> = { ok: true; value: T } | { ok: false; reason: string };

// Ids are UUIDs or instance ids in practice; a bound keeps a bad producer from making us hold megabytes per key.
export const MAX_ROUTING_HEADER_LENGTH = 200;

export function requestHeaders(address: RequestAddress): Record<string, string> {
  return {
    [RequestHeaders.correlationId]: address.correlationId,
    [RequestHeaders.replyTo]: address.replyTo,
    [RequestHeaders.deadline]: String(address.deadline),
    [RequestHeaders.type]: address.type,
    [RequestHeaders.version]: String(address.version),
    [RequestHeaders.contentType]: 'application/json',
  };
}

export function replyHeaders(address: ReplyAddress): Record<string, string> {
  return {
    [RequestHeaders.correlationId]: address.correlationId,
    [RequestHeaders.replyTo]: address.replyTo,
    [RequestHeaders.type]: address.type,
    [RequestHeaders.version]: String(address.version),
    [RequestHeaders.contentType]: 'application/json',
  };
}

/** A header's single value as text; undefined when it is missing or repeated (ambiguous: which one counts?). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined || Array.isArray(value)) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}

export function parseRequestHeaders(headers: IHeaders | undefined): ParsedHeaders<RequestAddress> {
  const reply = parseReplyHeaders(headers);
  if (!reply.ok) return reply;
  const deadline = headerText(headers, RequestHeaders.deadline);
  if (deadline === undefined || !/^\d{1,15}$/.test(deadline)) {
    return { ok: false, reason: `${RequestHeaders.deadline} is missing or not epoch milliseconds` };
  }
  return { ok: true, value: { ...reply.value, deadline: Number(deadline) } };
}

export function parseReplyHeaders(headers: IHeaders | undefined): ParsedHeaders<ReplyAddress> {
  const correlationId = idHeader(headers, RequestHeaders.correlationId);
  if (correlationId === undefined) return unusable(RequestHeaders.correlationId);
  const replyTo = idHeader(headers, RequestHeaders.replyTo);
  if (replyTo === undefined) return unusable(RequestHeaders.replyTo);
  const type = idHeader(headers, RequestHeaders.type);
  if (type === undefined) return unusable(RequestHeaders.type);
  const version = headerText(headers, RequestHeaders.version);
  if (version === undefined || !/^[1-9]\d{0,8}$/.test(version)) {
    return { ok: false, reason: `${RequestHeaders.version} is missing or not a positive integer` };
  }
  return { ok: true, value: { correlationId, replyTo, type, version: Number(version) } };
}

function idHeader(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headerText(headers, name);
  return value !== undefined && value.length > 0 && value.length <= MAX_ROUTING_HEADER_LENGTH ? value : undefined;
}

function unusable(name: string): { ok: false; reason: string } {
  return {
    ok: false,
    reason: `${name} is missing, repeated, empty or longer than ${MAX_ROUTING_HEADER_LENGTH} characters`,
  };
}
