import type { RegistrationRecord } from './attestation-facts';
import { matchRegistration } from './registration-match';
import { NOW, androidBuild, androidMeasurement, at, registration } from './testing/facts-fixtures';

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const match = (registrations: readonly RegistrationRecord[], revoked: readonly string[] = []) =>
  matchRegistration(
    { now: NOW, registrations, isRevoked: (kind, value) => kind === 'registration' && revoked.includes(value) },
    androidMeasurement(),
  );
/** Every order of a list. */
const orders = <T>(items: readonly T[]): T[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((item, i) => orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));

describe('matchRegistration chooses among matching registrations', () => {
  it.each([
    [
      'one that never expires over one that does, however new',
      [
        registration(androidBuild(), { registrationId: id(1), expiresAt: at(86_400_000), createdAt: at(-1) }),
        registration(androidBuild(), { registrationId: id(2), expiresAt: null, createdAt: at(-86_400_000) }),
      ],
      id(2),
    ],
    [
      'the latest to expire among expiring ones',
      [
        registration(androidBuild(), { registrationId: id(1), expiresAt: at(60_000) }),
        registration(androidBuild(), { registrationId: id(2), expiresAt: at(120_000) }),
        registration(androidBuild(), { registrationId: id(3), expiresAt: at(90_000) }),
      ],
      id(2),
    ],
    [
      'the newest when they end alike',
      [
        registration(androidBuild(), { registrationId: id(1), createdAt: at(-2000) }),
        registration(androidBuild(), { registrationId: id(2), createdAt: at(-1000) }),
        registration(androidBuild(), { registrationId: id(3), createdAt: at(-3000) }),
      ],
      id(2),
    ],
    [
      'the smallest id when all else is equal',
      [
        registration(androidBuild(), { registrationId: id(3) }),
        registration(androidBuild(), { registrationId: id(1) }),
        registration(androidBuild(), { registrationId: id(2) }),
      ],
      id(1),
    ],
    [
      'a matching one over a preferable one of another build',
      [
        registration(androidBuild(), { registrationId: id(1), expiresAt: at(60_000) }),
        registration(androidBuild({ versionCodes: { min: 1, max: 9 } }), { registrationId: id(2) }),
      ],
      id(1),
    ],
  ])('%s, in every order', (_case, registrations, expected) => {
    for (const order of orders(registrations)) {
      expect(match(order)).toEqual({ usable: true, registrationId: expected });
    }
  });

  it('passes over revoked and expired ones, however preferable', () => {
    const registrations = [
      registration(androidBuild(), { registrationId: id(1), expiresAt: at(60_000) }),
      registration(androidBuild(), { registrationId: id(2) }),
      registration(androidBuild(), { registrationId: id(3), expiresAt: at(-1) }),
    ];
    for (const order of orders(registrations)) {
      expect(match(order, [id(2)])).toEqual({ usable: true, registrationId: id(1) });
    }
  });

  it('names the preferred refused registration, so the audit trail names the build', () => {
    const expired = [
      registration(androidBuild(), { registrationId: id(1), expiresAt: at(-60_000) }),
      registration(androidBuild(), { registrationId: id(2), expiresAt: at(-1) }),
    ];
    expect(match(expired)).toEqual({ usable: false, registrationId: id(2), reason: 'registration-expired' });
    const revoked = [
      registration(androidBuild(), { registrationId: id(1) }),
      registration(androidBuild(), { registrationId: id(2), expiresAt: at(60_000) }),
    ];
    expect(match(revoked, [id(1), id(2)])).toEqual({
      usable: false,
      registrationId: id(1),
      reason: 'registration-revoked',
    });
    expect(match([])).toEqual({ usable: false, registrationId: null, reason: 'unregistered-build' });
  });

  it('treats an unreadable expiry as passed and orders unreadable times alike', () => {
    const unreadable = registration(androidBuild(), { registrationId: id(1), expiresAt: 'soon' });
    expect(match([unreadable])).toEqual({ usable: false, registrationId: id(1), reason: 'registration-expired' });
    const oddlyCreated = [
      registration(androidBuild(), { registrationId: id(2), createdAt: 'unknown' }),
      registration(androidBuild(), { registrationId: id(3), createdAt: 'never' }),
    ];
    for (const order of orders(oddlyCreated)) {
      expect(match(order)).toEqual({ usable: true, registrationId: id(2) });
    }
  });
});
