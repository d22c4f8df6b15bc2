import { HttpException } from '@nestjs/common';
import type { Response } from 'express';

/**
 * The error an SDK endpoint answers with: its status, a stable `reason` code the SDK can act on, a message for
 * people, and Retry-After when waiting helps.
 */
export function refuse(
  response: Response,
  status: number,
  reason: string,
  message: string,
  retryAfterSeconds?: number,
): HttpException {
  if (retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(retryAfterSeconds));
  return new HttpException({ statusCode: status, reason, message }, status);
}
