import { Keyring, parseKek } from '@tessera/sealing';

/**
 * The key-encryption key the tests run the services with. A fixed, published test value: it seals nothing real.
 * Services refuse to start without a KEK (docs/decisions.md), so every test that starts one passes this.
 */
export const TEST_KEK = 'test-kek:dGVzc2VyYSB0ZXN0IGtlazogbm90IHByb2R1Y3Rpb24='; // 'tessera test kek: not production'

/** A keyring holding TEST_KEK, to open what a service under test sealed. */
export function testKeyring(): Keyring {
  return new Keyring(parseKek(TEST_KEK));
}
