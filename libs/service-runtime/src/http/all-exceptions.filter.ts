import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { currentRequestId } from '../logging/request-context';

/** The reasons of body-parser's errors, by their type. */
const BODY_PARSER_REASONS: Readonly<Record<string, string>> = {
  'entity.too.large': 'body-too-large',
  'entity.parse.failed': 'malformed-json',
};

function bodyParserReason(error: unknown): string | undefined {
  const type = (error as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? BODY_PARSER_REASONS[type] : undefined;
}

/**
 * Every error leaves as JSON with the request id. HTTP errors keep their status and reason; anything else is
 * logged with its stack and answered 500 without internals. Body-parser errors (too large, bad JSON) are 4xx.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const requestId = currentRequestId();
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const payload = typeof body === 'string' ? { statusCode: exception.getStatus(), message: body } : body;
      // Nest wraps body-parser's errors (bad JSON, too large) as HttpExceptions, the original as their cause.
      const reason = bodyParserReason(exception.cause);
      response.status(exception.getStatus()).json({ ...payload, ...(reason ? { reason } : {}), requestId });
      return;
    }
    const { status } = exception as { status?: unknown };
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Errors raised by express' body parser carry a status, a safe message and a type, said as a reason.
      const reason = bodyParserReason(exception) ?? 'unreadable-body';
      response.status(status).json({ statusCode: status, reason, message: (exception as Error).message, requestId });
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      message: 'internal error',
      requestId,
    });
  }
}
