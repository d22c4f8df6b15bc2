import { z } from 'zod';
import { expiryStatus, idCursor, limit, uuid } from '../http/common-schemas';
import { expiryFields, withExpiry } from '../http/duration';

/**
 * What each kind of subject looks like, as the SDK, the tokens and the registry write it: a revocation must match
 * the value a verifier compares it with, so values are checked, never trimmed or rewritten (registration ids are
 * UUIDs, compared in lower case).
 */
const DEVICE_ID = /^[\x21-\x7e](?:[\x20-\x7e]{0,254}[\x21-\x7e])?$/;
const JWK_THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;
const TOKEN_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** An RFC 7638 thumbprint: the unpadded base64url of a SHA-256 digest (32 bytes, 43 characters, canonical). */
function isJwkThumbprint(value: string): boolean {
  return JWK_THUMBPRINT.test(value) && Buffer.from(value, 'base64url').toString('base64url') === value;
}

export const RevocationSubject = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('device'),
      value: z
        .string({ error: 'expected a device id' })
        .regex(DEVICE_ID, 'expected a device id: 1-256 printable ASCII characters, no surrounding spaces'),
    }),
    z.strictObject({
      kind: z.literal('installation'),
      value: z
        .string({ error: 'expected an installation id' })
        .refine(isJwkThumbprint, 'expected an installation id: a JWK thumbprint (RFC 7638), 43 base64url characters'),
    }),
    z.strictObject({
      kind: z.literal('registration'),
      value: uuid('a registration id').transform((id) => id.toLowerCase()),
    }),
    z.strictObject({
      kind: z.literal('token'),
      value: z
        .string({ error: 'expected a token id' })
        .regex(TOKEN_ID, 'expected a token id (jti): 1-128 letters, digits, _ and -'),
    }),
  ],
  {
    // An object without a known kind, or no object at all.
    error: (issue) =>
      typeof issue.input === 'object' && issue.input !== null
        ? 'expected kind device, installation, registration or token'
        : 'expected a subject {kind, value}',
  },
);

export const CreateRevocationBody = withExpiry(
  z.strictObject({
    subject: RevocationSubject,
    reason: z
      .string()
      .trim()
      .max(500, 'at most 500 characters')
      .regex(/^[^\p{Cc}]*$/u, 'control characters are not allowed')
      .optional(),
    ...expiryFields,
  }),
);
export type CreateRevocationInput = z.output<typeof CreateRevocationBody>;

export const RevocationIdParam = uuid('a revocation id');

export const ListRevocationsQuery = z.strictObject({
  limit,
  cursor: idCursor.optional(),
  kind: z
    .enum(['device', 'installation', 'registration', 'token'], {
      error: 'expected device, installation, registration or token',
    })
    .optional(),
  value: z.string().min(1, 'must not be empty').max(256, 'at most 256 characters').optional(),
  status: expiryStatus,
});
