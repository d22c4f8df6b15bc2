import { HttpException } from '@nestjs/common';
import type { RotationRefusal } from '@tessera/pins';

/**
 * A refused rotation step as the admin API answers it: its code as `reason`, the sentence, and when time alone will
 * allow it. 400 for a request that could never pass as given, 409 for a step the rotation's state refuses now.
 */
export function refusalError(refusal: RotationRefusal, status: 400 | 409): HttpException {
  return new HttpException(
    {
      statusCode: status,
      reason: refusal.code,
      message: refusal.message,
      ...(refusal.allowedAt === undefined ? {} : { allowedAt: refusal.allowedAt.toISOString() }),
    },
    status,
  );
}
