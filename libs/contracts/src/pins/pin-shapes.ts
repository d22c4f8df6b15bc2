import { z } from 'zod';

/**
 * The shapes pins travel in, shared by the pins service, its events, the signed pin config and the SDK: one
 * definition, so a value one accepts is a value the others accept.
 */

/**
 * A pin: SHA-256 of a certificate's DER SubjectPublicKeyInfo, standard base64 with padding, as RFC 7469's
 * `pin-sha256` (OkHttp writes the same value after `sha256/`).
 */
export const PinSchema = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=$/, 'expected a pin: the SHA-256 of a SubjectPublicKeyInfo, 44 characters of base64');
export type Pin = z.output<typeof PinSchema>;

/**
 * A protected API domain: an exact host name (`api.example.com`), or `*.example.com` for every host one label below
 * it (`www.example.com`, not `example.com` nor `a.b.example.com`), as OkHttp's CertificatePinner reads `*.`. Lower
 * case, no trailing dot, no port; IDNs in their ASCII (punycode) form.
 */
export const DomainPatternSchema = z
  .string()
  .max(253, 'a host name is at most 253 characters')
  .regex(
    /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'expected a lower-case host name such as api.example.com, or *.example.com',
  );
export type DomainPattern = z.output<typeof DomainPatternSchema>;

/** Where a pin came from: a certificate of the served chain (by its place), the backup key, or typed in. */
export const PIN_SOURCES = ['leaf', 'intermediate', 'root', 'backup', 'manual'] as const;
export const PinSourceSchema = z.enum(PIN_SOURCES);

/**
 * How a domain is pinned. `pinned`: to the keys named (typically the leaf's and a backup); `managed-trust`: to the
 * issuing CA's intermediates, so the server team can renew its certificate from that CA without a pin change.
 */
export const PIN_MODES = ['pinned', 'managed-trust'] as const;
export const PinModeSchema = z.enum(PIN_MODES);
export type PinMode = (typeof PIN_MODES)[number];

/** What Tessera knows of the certificate a pin was computed from (nothing, for a typed-in or backup pin). */
export const PinnedCertificateSchema = z.object({
  subject: z.string().max(1024),
  issuer: z.string().max(1024),
  notBefore: z.iso.datetime({ offset: true }),
  notAfter: z.iso.datetime({ offset: true }),
  /** SHA-256 of the certificate's DER, lower-case hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type PinnedCertificate = z.output<typeof PinnedCertificateSchema>;

export const DomainPinSchema = z.object({
  pin: PinSchema,
  source: PinSourceSchema,
  label: z.string().max(100).nullable(),
  certificate: PinnedCertificateSchema.nullable(),
});
export type DomainPin = z.output<typeof DomainPinSchema>;
