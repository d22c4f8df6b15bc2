import type { SealedValue } from '@tessera/contracts';

/** A secure string as the admin API shows it: never its value, sealed or not. */
export interface SecureStringView {
  id: string;
  appId: string;
  name: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const SECURE_STRING_COLUMNS = `id, app_id AS "appId", name, version, created_at AS "createdAt",
  updated_at AS "updatedAt"`;

/** The stored row, with its sealed value: for events only, never for answers. */
export interface SecureStringRow extends SecureStringView {
  sealed: SealedValue;
}

/** Narrows a stored row to what the API shows, so the sealed value cannot slip into an answer. */
export function secureStringView(row: SecureStringRow): SecureStringView {
  return {
    id: row.id,
    appId: row.appId,
    name: row.name,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The audit summary of a secure string: which one and which version; never its value. */
export function secureStringSummary(secureString: Pick<SecureStringView, 'appId' | 'name' | 'version'>) {
  return { appId: secureString.appId, name: secureString.name, version: secureString.version };
}
