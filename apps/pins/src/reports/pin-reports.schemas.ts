import { DomainPatternSchema } from '@tessera/contracts';
import { z } from 'zod';

/** The keyset position after the last report of a page: its arrival and id, opaque to clients. */
export interface ReportCursor {
  receivedAt: Date;
  id: string;
}

export function encodeCursor(cursor: ReportCursor): string {
  return Buffer.from(`${cursor.receivedAt.toISOString()}|${cursor.id}`, 'utf8').toString('base64url');
}

const CursorSchema = z
  .string()
  .max(200)
  .transform((text, context): ReportCursor => {
    const [at = '', id = '', ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
    const receivedAt = new Date(at);
    if (rest.length > 0 || Number.isNaN(receivedAt.getTime()) || !z.uuid().safeParse(id).success) {
      context.addIssue({ code: 'custom', message: 'expected a cursor from a previous page' });
      return z.NEVER;
    }
    return { receivedAt, id };
  });

/** `GET /v1/pin-reports`: newest first; `domain` is a protected domain pattern or a host name. */
export const PinReportsQuery = z.strictObject({
  domain: DomainPatternSchema.optional(),
  appId: z.uuid({ error: 'expected an app id (UUID)' }).optional(),
  since: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date and time' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorSchema.optional(),
});
export type PinReportsFilter = z.output<typeof PinReportsQuery>;
