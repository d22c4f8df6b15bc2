import { PermanentEventError } from '@tessera/messaging';

/** What a state topic's message key names: `<tenant>/<entity kind>/<entity id>`. */
export interface EntityKey {
  tenant: string;
  kind: string;
  id: string;
}

const ENTITY_KEY = /^([a-z0-9][a-z0-9-]{0,62})\/([a-z][a-z-]*)\/([^/]+)$/;

/** Reads a tombstone's key; one that names no entity can never be applied (PermanentEventError: dead-lettered). */
export function parseEntityKey(key: string): EntityKey {
  const match = ENTITY_KEY.exec(key);
  if (!match) {
    throw new PermanentEventError(
      `the key ${JSON.stringify(key.slice(0, 200))} is not <tenant>/<entity kind>/<entity id>`,
    );
  }
  const [, tenant = '', kind = '', id = ''] = match;
  return { tenant, kind, id };
}
