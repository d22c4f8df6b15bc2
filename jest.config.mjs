// @ts-check
import { pathsToModuleNameMapper } from 'ts-jest';
import ts from 'typescript';

// Path aliases live in tsconfig.json only; read them from there.
const tsconfig = ts.readConfigFile('./tsconfig.json', (file) => ts.sys.readFile(file)).config;
const paths = tsconfig?.compilerOptions?.paths ?? {};

/** @type {import('jest').Config} */
const shared = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testEnvironment: 'node',
  // Nest 12 and jose are ES modules and Jest on Node 20 cannot require() them, so tests run as ES modules
  // (node --experimental-vm-modules). The services themselves run as CommonJS on Node's require(esm).
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.spec.json' }] },
  moduleNameMapper: pathsToModuleNameMapper(paths, { prefix: '<rootDir>/' }),
};

/** @type {import('jest').Config} */
export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/deployment/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
    },
    // Integration and e2e tests get 60 s each from the npm scripts (--testTimeout): Jest reads testTimeout only
    // globally, not per project. Waits inside the tests carry their own, more telling, limits.
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
