import { secureStringAad } from '@tessera/contracts';
import type { SecureStringsView } from '@tessera/registry-view';
import type { Keyring } from '@tessera/sealing';
import type { Logger } from 'pino';

/**
 * The app's secure strings in the clear, for the answer to an attested app only: opened with the KEK under their
 * own tenant, app and name (a value sealed for another app does not open), never logged. A string that will not open
 * (sealed under a KEK this node lacks) is left out and said in the log by name.
 */
export function openSecureStrings(
  view: SecureStringsView,
  keyring: Keyring,
  tenant: string,
  appId: string,
  logger: Logger,
): Record<string, string> {
  const opened: Record<string, string> = {};
  for (const secureString of view.of(tenant, appId)) {
    try {
      opened[secureString.name] = keyring
        .open(secureString.sealed, secureStringAad(tenant, appId, secureString.name))
        .toString('utf8');
    } catch (error) {
      logger.warn(
        { tenant, appId, name: secureString.name, reason: (error as Error).message },
        'a secure string did not open; left out of the answer',
      );
    }
  }
  return opened;
}
