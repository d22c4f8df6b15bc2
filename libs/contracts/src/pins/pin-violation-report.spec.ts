import {
  MAX_PIN_VIOLATION_REPORT_LENGTH,
  MAX_REPORTED_CERTIFICATE_LENGTH,
  type PinViolationReport,
  PinViolationReportSchema,
} from './pin-violation-report';

const PIN = 'pL1+qb9HTMRZJmuC/bB/ZI9d302BYrrqiVuRyW+DGrU=';
const OTHER_PIN = 'r/mIkG3eEpVdm+u/ko/cwxzOMo1bk4TyHIlByibiA5E=';
// A DER-sized blob of base64 stands in for a certificate: the contract checks the form, not X.509.
const DER = Buffer.alloc(900, 7).toString('base64');
const PEM = `-----BEGIN CERTIFICATE-----\n${DER.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

function report(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tenant: 'acme',
    appId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
    installationId: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    sdkVersion: '0.1.0',
    hostname: 'api.example.com',
    port: 443,
    pattern: 'api.example.com',
    expectedPins: [PIN],
    servedPins: [OTHER_PIN],
    servedChain: [DER, PEM],
    configVersion: 7,
    occurredAt: '2026-01-15T12:00:00.000Z',
    ...overrides,
  };
}

const issueOf = (value: unknown) => {
  const parsed = PinViolationReportSchema.safeParse(value);
  return parsed.success ? 'accepted' : parsed.error.issues.map((issue) => issue.path.join('.')).join(',');
};

describe('PinViolationReportSchema', () => {
  it('accepts a report with the chain as base64 DER and as PEM', () => {
    const parsed: PinViolationReport = PinViolationReportSchema.parse(report());
    expect(parsed.servedChain).toEqual([DER, PEM]);
  });

  it('takes a chain of ten full-size certificates within the body limit', () => {
    const big = Buffer.alloc((MAX_REPORTED_CERTIFICATE_LENGTH / 4) * 3, 1).toString('base64');
    expect(big).toHaveLength(MAX_REPORTED_CERTIFICATE_LENGTH);
    const full = report({ servedChain: Array<string>(10).fill(big), servedPins: Array<string>(10).fill(PIN) });
    expect(issueOf(full)).toBe('accepted');
    expect(JSON.stringify(full).length).toBeLessThan(MAX_PIN_VIOLATION_REPORT_LENGTH);
  });

  it.each([
    ['an unknown member', report({ token: 'secret' }), ''],
    ['no served chain', report({ servedChain: [] }), 'servedChain'],
    ['eleven certificates', report({ servedChain: Array<string>(11).fill(DER) }), 'servedChain'],
    [
      'a certificate over 8 KiB',
      report({ servedChain: ['A'.repeat(MAX_REPORTED_CERTIFICATE_LENGTH + 4)] }),
      'servedChain.0',
    ],
    ['a certificate that is neither PEM nor base64', report({ servedChain: ['<script>'] }), 'servedChain.0'],
    ['base64url instead of base64', report({ servedChain: ['ab-_'] }), 'servedChain.0'],
    ['a PEM private key', report({ servedChain: [PEM.replaceAll('CERTIFICATE', 'PRIVATE KEY')] }), 'servedChain.0'],
    ['a host name with a port', report({ hostname: 'api.example.com:443' }), 'hostname'],
    ['an upper-case host name', report({ hostname: 'API.example.com' }), 'hostname'],
    ['port 0', report({ port: 0 }), 'port'],
    ['port 65536', report({ port: 65_536 }), 'port'],
    ['no expected pins', report({ expectedPins: [] }), 'expectedPins'],
    ['a pin that is not one', report({ expectedPins: ['sha256/abc'] }), 'expectedPins.0'],
    ['a negative config version', report({ configVersion: -1 }), 'configVersion'],
    ['an app id that is not a UUID', report({ appId: 'bank' }), 'appId'],
    ['a bad installation id', report({ installationId: 'x' }), 'installationId'],
    ['a bad SDK version', report({ sdkVersion: 'latest' }), 'sdkVersion'],
    ['a time without offset', report({ occurredAt: '2026-01-15 12:00' }), 'occurredAt'],
  ])('refuses %s', (_what, value, path) => {
    expect(issueOf(value)).toBe(path);
  });
});
