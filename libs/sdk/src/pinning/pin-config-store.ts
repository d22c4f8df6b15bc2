import type { PinConfig } from '@tessera/contracts';
import { type PinConfigRefusal, spkiPin, verifyPinConfig } from '@tessera/pins/portable';
import type { JSONWebKeySet } from 'jose';
import { checkServedPins, type PinCheck } from './pin-check';

export interface PinConfigStoreOptions {
  /** The pins JWKS the app ships (`tessera pins export`): the keys a config must be signed with. */
  keys: JSONWebKeySet;
  tenant: string;
  appId: string;
  /** The clock (epoch ms), for tests. */
  now?: () => number;
}

export type PinConfigUpdate =
  { adopted: true; version: number } | { adopted: false; reason: PinConfigRefusal; detail: string };

/**
 * The app's pin config in force: it starts from the config shipped with the app and moves only to a config that
 * verifies (a key of the shipped JWKS, this app, unexpired) and is newer. Past its expiry the config in force keeps
 * enforcing its pins: an attacker who blocks updates must not turn pinning off; `expired()` tells the fetcher to
 * look for a new one at every attestation. Portable: it runs on React Native.
 */
export class PinConfigStore {
  private constructor(
    private readonly options: Required<PinConfigStoreOptions>,
    private current: PinConfig,
  ) {}

  /**
   * A store from the initial config shipped with the app (the JWS `tessera pins export --initial` writes). Verified
   * like any other, except that an old build's expired config is taken, and enforced, until an update comes; one
   * that does not verify is an error here: shipping a broken config is a build error, not a reason to run unpinned.
   */
  static async fromInitialConfig(initialConfig: string, options: PinConfigStoreOptions): Promise<PinConfigStore> {
    const settled = { ...options, now: options.now ?? Date.now };
    const verification = await verifyPinConfig(initialConfig, {
      keys: settled.keys,
      tenant: settled.tenant,
      appId: settled.appId,
      now: settled.now(),
      acceptExpired: true,
    });
    if (!verification.ok) {
      throw new TypeError(`the initial pin config is refused (${verification.reason}): ${verification.detail}`);
    }
    return new PinConfigStore(settled, verification.config);
  }

  /** The config in force. */
  get config(): PinConfig {
    return this.current;
  }

  get version(): number {
    return this.current.version;
  }

  /** Whether the config in force is past its `exp` (it is still enforced). */
  expired(): boolean {
    return this.current.exp * 1000 <= this.options.now();
  }

  /**
   * Adopts `jws` if it verifies, is for this app, unexpired, and newer than the config in force — or the same version
   * re-signed to expire later (the pins service renews a config without a change of its pins); else keeps it.
   */
  async update(jws: string): Promise<PinConfigUpdate> {
    const verification = await verifyPinConfig(jws, {
      keys: this.options.keys,
      tenant: this.options.tenant,
      appId: this.options.appId,
      now: this.options.now(),
      newerThan: this.current.version - 1,
    });
    if (!verification.ok) return { adopted: false, reason: verification.reason, detail: verification.detail };
    // Checked again after the await: another update may have been adopted while this one verified.
    const { config } = verification;
    const newer = config.version > this.current.version;
    const renewed = config.version === this.current.version && config.exp > this.current.exp;
    if (!newer && !renewed) {
      return {
        adopted: false,
        reason: 'not-newer',
        detail: `version ${config.version} (expiring ${config.exp}) is not newer than ${this.current.version} (expiring ${this.current.exp})`,
      };
    }
    this.current = config;
    return { adopted: true, version: this.current.version };
  }

  /** Checks the pins of a served chain (leaf first), computed by the caller, against the config in force. */
  checkServedPins(host: string, servedPins: readonly string[]): PinCheck {
    return checkServedPins(this.current, host, servedPins);
  }

  /** Checks a served chain, each certificate's DER SubjectPublicKeyInfo (leaf first), against the config in force. */
  async checkPins(host: string, servedChainSpkiDer: readonly Uint8Array[]): Promise<PinCheck> {
    const config = this.current;
    const servedPins = await Promise.all(servedChainSpkiDer.map((spki) => spkiPin(spki)));
    return checkServedPins(config, host, servedPins);
  }
}
