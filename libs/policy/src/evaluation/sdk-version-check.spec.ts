import { sdkVersionAccepted } from './sdk-version-check';

describe('sdkVersionAccepted', () => {
  it.each([
    ['*', '0.0.1', true],
    ['*', '2.0.0-beta.1', true],
    ['>=1.4.0 <3', '1.4.0', true],
    ['>=1.4.0 <3', '2.9.9', true],
    ['>=1.4.0 <3', '1.3.9', false],
    ['>=1.4.0 <3', '3.0.0', false],
    ['>=1.4.0 <3', '2.0.0-beta.1', true],
    ['>=1.4.0 <3', '1.4.0-rc.1', false],
    ['>=1.4.0 <3', '3.0.0-rc.1', false],
    ['>=1.4.0', '1.4.0+build.7', true],
    ['^2.1', '2.1.0', true],
    ['^2.1', '2.9.0-beta', true],
    ['^2.1', '2.0.9', false],
    ['^2.1', '3.0.0', false],
    ['1.x || >=2.5.0', '1.9.0', true],
    ['1.x || >=2.5.0', '2.4.0', false],
    ['1.x || >=2.5.0', '2.5.0', true],
    ['1.2.3 - 2', '2.9.9', true],
    ['1.2.3 - 2', '1.2.2', false],
  ])('%j takes %s: %s', (range, version, accepted) => {
    expect(sdkVersionAccepted(version, range)).toBe(accepted);
  });

  it.each([
    ['a range semver cannot read', 'latest', '1.0.0'],
    ['a blank range, which semver would read as "*"', '  ', '1.0.0'],
    ['a version that is not semver', '*', 'latest'],
  ])('accepts nothing for %s', (_what, range, version) => {
    expect(sdkVersionAccepted(version, range)).toBe(false);
  });
});
