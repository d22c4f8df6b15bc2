import type { DomainPin, Pin } from '@tessera/contracts';
import { certificateExpiry, type ExpiryStatus } from './certificate-expiry';

function pin(name: string): Pin {
  return Buffer.from(name.padEnd(32, '.')).toString('base64');
}

function fromCertificate(name: string, notAfter: string): DomainPin {
  return {
    pin: pin(name),
    source: 'leaf',
    label: null,
    certificate: {
      subject: `CN=${name}`,
      issuer: 'CN=Issuing CA',
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter,
      sha256: '0'.repeat(64),
    },
  };
}

const BACKUP: DomainPin = { pin: pin('backup'), source: 'backup', label: 'spare key', certificate: null };
const NOW = new Date('2026-06-01T00:00:00Z');

describe('certificateExpiry', () => {
  it('tracks the soonest notAfter among the pins from certificates', () => {
    const pins = [
      BACKUP,
      fromCertificate('intermediate', '2030-01-01T00:00:00.000Z'),
      fromCertificate('leaf', '2026-09-01T00:00:00.000Z'),
    ];
    expect(certificateExpiry(pins, NOW)).toEqual({
      pin: pin('leaf'),
      subject: 'CN=leaf',
      notAfter: '2026-09-01T00:00:00.000Z',
      daysLeft: 92,
      status: 'ok',
    });
  });

  it.each<[string, string, number, ExpiryStatus]>([
    ['months away', '2026-09-01T00:00:00.000Z', 92, 'ok'],
    ['just over the threshold', '2026-07-01T00:00:01.000Z', 30, 'ok'],
    ['exactly at the threshold', '2026-07-01T00:00:00.000Z', 30, 'expiring'],
    ['in a day and a half', '2026-06-02T12:00:00.000Z', 1, 'expiring'],
    ['now', '2026-06-01T00:00:00.000Z', 0, 'expired'],
    ['yesterday', '2026-05-31T00:00:00.000Z', -1, 'expired'],
  ])('a certificate that expires %s', (_when, notAfter, daysLeft, status) => {
    expect(certificateExpiry([fromCertificate('leaf', notAfter), BACKUP], NOW)).toMatchObject({ daysLeft, status });
  });

  it('takes another threshold', () => {
    const pins = [fromCertificate('leaf', '2026-06-20T00:00:00.000Z')];
    expect(certificateExpiry(pins, NOW)?.status).toBe('expiring');
    expect(certificateExpiry(pins, NOW, 7)?.status).toBe('ok');
  });

  it('has nothing to say of pins without certificates', () => {
    expect(certificateExpiry([BACKUP], NOW)).toBeUndefined();
    expect(certificateExpiry([], NOW)).toBeUndefined();
  });
});
