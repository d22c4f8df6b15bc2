import { parseApiKey } from '@tessera/access';

/** How a key is shown anywhere: its id (which the audit log and `key list` show too), never its secret. */
export function maskKey(key: string): string {
  const parsed = parseApiKey(key);
  return parsed ? `tsk_${parsed.id}_****` : '****';
}

/** The key id of a well-formed key, undefined otherwise. */
export function keyIdOf(key: string): string | undefined {
  return parseApiKey(key)?.id;
}

export const KEY_FORMAT = 'tsk_<16 hex characters>_<43 characters>';

/** A key id as given: bare (16 hex) or inside a key or its masked form (`tsk_<id>_****`); undefined otherwise. */
export function keyIdReference(value: string): string | undefined {
  const id = /^tsk_([0-9a-f]{16})_/.exec(value)?.[1] ?? value;
  return /^[0-9a-f]{16}$/.test(id) ? id : undefined;
}
