import type { InstallationKeyStore, StoredInstallationKey } from './installation-key';

/** Keeps the installation key in memory: one installation per process (tests, demos, short-lived tools). */
export class MemoryInstallationKeyStore implements InstallationKeyStore {
  private key: StoredInstallationKey | undefined;

  load(): Promise<StoredInstallationKey | undefined> {
    return Promise.resolve(this.key && { privateJwk: { ...this.key.privateJwk } });
  }

  save(key: StoredInstallationKey): Promise<void> {
    this.key = { privateJwk: { ...key.privateJwk } };
    return Promise.resolve();
  }

  clear(): Promise<void> {
    this.key = undefined;
    return Promise.resolve();
  }
}
