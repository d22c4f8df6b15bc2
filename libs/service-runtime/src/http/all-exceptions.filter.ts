import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { currentRequestId } from '../logging/request-context';

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
      response.status(exception.getStatus()).json({ ...payload, requestId });
      return;
    }
    const status = (exception as { status?: unknown; type?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Errors raised by express' body parser carry a status and a safe message.
      response.status(status).json({ statusCode: status, message: (exception as Error).message, requestId });
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
