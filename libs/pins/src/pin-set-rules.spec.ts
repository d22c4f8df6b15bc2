import type { DomainPin, Pin, PinMode } from '@tessera/contracts';
import type { CertificatePin, CertificatePlace } from './certificate-pins';
import { checkPinSet, type PinSetProblemCode, pinsFromServedChain } from './pin-set-rules';

/** A distinct, well-formed pin per name. */
function pin(name: string): Pin {
  return Buffer.from(name.padEnd(32, '.')).toString('base64');
}

const LEAF = pin('leaf');
const INTERMEDIATE = pin('intermediate');
const ROOT = pin('root');
const BACKUP = pin('backup');
const OTHER = pin('other');

const SERVED: Pick<CertificatePin, 'pin' | 'place'>[] = [
  { pin: LEAF, place: 'leaf' },
  { pin: INTERMEDIATE, place: 'intermediate' },
  { pin: ROOT, place: 'root' },
];

function pins(...entries: [Pin, DomainPin['source']][]): Pick<DomainPin, 'pin' | 'source'>[] {
  return entries.map(([value, source]) => ({ pin: value, source }));
}

describe('checkPinSet', () => {
  it.each<[string, PinMode, Pick<DomainPin, 'pin' | 'source'>[], boolean, PinSetProblemCode[]]>([
    ['leaf and backup', 'pinned', pins([LEAF, 'leaf'], [BACKUP, 'backup']), true, []],
    ['intermediate and backup, pinned', 'pinned', pins([INTERMEDIATE, 'intermediate'], [BACKUP, 'backup']), true, []],
    [
      'managed trust: intermediate and backup',
      'managed-trust',
      pins([INTERMEDIATE, 'intermediate'], [BACKUP, 'manual']),
      true,
      [],
    ],
    ['no pin', 'pinned', [], true, ['no-pins']],
    ['one pin, in the chain', 'pinned', pins([LEAF, 'leaf']), true, ['too-few-pins', 'no-backup-pin']],
    [
      'one pin, not in the chain',
      'pinned',
      pins([BACKUP, 'backup']),
      true,
      ['too-few-pins', 'no-pin-matches-served-chain'],
    ],
    [
      'leaf and intermediate: no backup',
      'pinned',
      pins([LEAF, 'leaf'], [INTERMEDIATE, 'intermediate']),
      true,
      ['no-backup-pin'],
    ],
    [
      'two pins, neither served',
      'pinned',
      pins([BACKUP, 'backup'], [OTHER, 'manual']),
      true,
      ['no-pin-matches-served-chain'],
    ],
    ['a duplicate', 'pinned', pins([LEAF, 'leaf'], [BACKUP, 'backup'], [LEAF, 'leaf']), true, ['duplicate-pin']],
    [
      'the same pin twice only',
      'pinned',
      pins([LEAF, 'leaf'], [LEAF, 'leaf']),
      true,
      ['too-few-pins', 'duplicate-pin', 'no-backup-pin'],
    ],
    [
      'managed trust with a leaf pin',
      'managed-trust',
      pins([LEAF, 'leaf'], [INTERMEDIATE, 'intermediate'], [BACKUP, 'backup']),
      true,
      ['managed-trust-not-intermediates'],
    ],
    [
      'managed trust with a root pin',
      'managed-trust',
      pins([ROOT, 'root'], [BACKUP, 'backup']),
      true,
      ['managed-trust-not-intermediates'],
    ],
    [
      'managed trust with no served intermediate pinned',
      'managed-trust',
      pins([BACKUP, 'backup'], [OTHER, 'manual']),
      true,
      ['no-pin-matches-served-chain', 'managed-trust-not-intermediates'],
    ],
    ['unknown chain: two pins', 'pinned', pins([LEAF, 'leaf'], [BACKUP, 'backup']), false, []],
    ['unknown chain: one pin', 'pinned', pins([LEAF, 'leaf']), false, ['too-few-pins', 'no-backup-pin']],
    [
      'unknown chain: two pins, none marked backup',
      'pinned',
      pins([LEAF, 'leaf'], [OTHER, 'manual']),
      false,
      ['no-backup-pin'],
    ],
    [
      'unknown chain, managed trust with a leaf',
      'managed-trust',
      pins([LEAF, 'leaf'], [BACKUP, 'backup']),
      false,
      ['managed-trust-not-intermediates'],
    ],
    [
      'unknown chain, managed trust without an intermediate',
      'managed-trust',
      pins([OTHER, 'manual'], [BACKUP, 'backup']),
      false,
      ['managed-trust-not-intermediates'],
    ],
    [
      'unknown chain, managed trust',
      'managed-trust',
      pins([INTERMEDIATE, 'intermediate'], [BACKUP, 'backup']),
      false,
      [],
    ],
  ])('%s → %j', (_what, mode, proposed, chainKnown, expected) => {
    const problems = checkPinSet({ mode, pins: proposed, servedChain: chainKnown ? SERVED : undefined });
    expect(problems.map((p) => p.code)).toEqual(expected);
    for (const problem of problems) expect(problem.message.length).toBeGreaterThan(20);
  });

  it('refuses more than 20 pins', () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ pin: pin(`p${i}`), source: 'manual' as const }));
    const problems = checkPinSet({
      mode: 'pinned',
      pins: [{ pin: LEAF, source: 'leaf' }, { pin: BACKUP, source: 'backup' }, ...many.slice(2)],
    });
    expect(problems.map((p) => p.code)).toEqual(['too-many-pins']);
    expect(problems[0]?.message).toContain('21');
  });

  it('judges a pin by its place in the served chain, not by the source it was given', () => {
    // Typed in by hand, but it is the leaf the host serves: managed trust must not hold it.
    const problems = checkPinSet({
      mode: 'managed-trust',
      pins: pins([LEAF, 'manual'], [INTERMEDIATE, 'intermediate'], [BACKUP, 'backup']),
      servedChain: SERVED,
    });
    expect(problems.map((p) => p.code)).toEqual(['managed-trust-not-intermediates']);
  });

  it('refuses managed trust for a host that serves no intermediate', () => {
    const problems = checkPinSet({
      mode: 'managed-trust',
      pins: pins([BACKUP, 'backup'], [OTHER, 'manual']),
      servedChain: [{ pin: LEAF, place: 'leaf' }],
    });
    expect(problems).toContainEqual({
      code: 'managed-trust-not-intermediates',
      message: expect.stringContaining('serves none') as string,
    });
  });

  it('names the repeated pin', () => {
    const [problem] = checkPinSet({
      mode: 'pinned',
      pins: pins([LEAF, 'leaf'], [BACKUP, 'backup'], [BACKUP, 'backup']),
    });
    expect(problem).toEqual({ code: 'duplicate-pin', message: expect.stringContaining(BACKUP) as string });
  });
});

describe('pinsFromServedChain', () => {
  const certificate = (subject: string): CertificatePin['certificate'] => ({
    subject,
    issuer: 'CN=issuer',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    sha256: 'a'.repeat(64),
  });
  const chain: CertificatePin[] = [
    { pin: LEAF, place: 'leaf', certificate: certificate('CN=leaf') },
    { pin: INTERMEDIATE, place: 'intermediate', certificate: certificate('CN=issuing') },
    { pin: OTHER, place: 'intermediate', certificate: certificate('CN=policy') },
  ];

  it.each<[CertificatePlace, Pin[]]>([
    ['leaf', [LEAF]],
    ['intermediate', [INTERMEDIATE, OTHER]],
    ['root', []],
  ])('proposes the %s pins', (choice, expected) => {
    const proposed = pinsFromServedChain(chain, choice);
    expect(proposed.map((p) => p.pin)).toEqual(expected);
    for (const domainPin of proposed) expect(domainPin).toMatchObject({ source: choice, label: null });
  });

  it('keeps the certificate for expiry tracking', () => {
    expect(pinsFromServedChain(chain, 'leaf')[0]?.certificate?.subject).toBe('CN=leaf');
  });
});
