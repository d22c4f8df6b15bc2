/**
 * Whether something that ends at `expiresAt` (null: never) is still in force at `now` (epoch ms). It is gone from
 * `expiresAt` itself, as every consumer treats an expiry; a time that cannot be read counts as passed.
 */
export function inForceAt(expiresAt: string | null, now: number): boolean {
  return expiresAt === null || Date.parse(expiresAt) > now;
}
