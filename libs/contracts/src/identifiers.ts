import { z } from 'zod';

/**
 * Identifiers of apps and their builds, shared by the events and the APIs that accept them, so a value the admin
 * API accepts is always one the consumers accept.
 */

/** Lowercase hex SHA-256, e.g. of a signing certificate (DER). */
export const Sha256HexSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 digest: 64 lowercase hex characters');

/** An Android application id: two or more dot-separated segments, each starting with a letter. */
export const AndroidPackageNameSchema = z
  .string()
  .max(255, 'at most 255 characters')
  .regex(
    /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/,
    'expected an Android package name such as com.example.app',
  );

/** An Apple Developer Team ID: 10 upper-case letters and digits. */
export const AppleTeamIdSchema = z.string().regex(/^[A-Z0-9]{10}$/, 'expected an Apple team id: 10 of A-Z and 0-9');

/** A CFBundleIdentifier: letters, digits, hyphens and dots. */
export const BundleIdSchema = z
  .string()
  .max(155, 'at most 155 characters')
  .regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'expected a bundle id such as com.example.app');

/** Android's long version code (versionCodeMajor << 32 | versionCode) fits a safe integer in practice. */
export const VersionCodeSchema = z
  .number()
  .int('expected an integer')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER, 'too large');

export const PLATFORMS = ['android', 'ios'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** An ISO-8601 time with an offset, as every event writes times. */
export const EventTimeSchema = z.iso.datetime({ offset: true });
