import { MAX_SECURE_STRINGS, secureStringAad } from '@tessera/contracts';
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
  // The answer keeps to its contract (SecureStringsSchema): an app with more strings than the SDK holds (set before
  // the registration service had the limit) gets the first by name, and the rest are said in the log by name.
  const strings = [...view.of(tenant, appId)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const over = strings.slice(MAX_SECURE_STRINGS).map(({ name }) => name);
  if (over.length > 0) {
    logger.warn(
      { tenant, appId, names: over },
      `an app holds over ${MAX_SECURE_STRINGS} secure strings; these are left out`,
    );
  }
  for (const secureString of strings.slice(0, MAX_SECURE_STRINGS)) {
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
