import type { Config } from 'jest';
import { pathsToModuleNameMapper } from 'ts-jest';
import ts from 'typescript';

// Path aliases live in tsconfig.json only; read them from there.
const tsconfig: unknown = ts.readConfigFile('./tsconfig.json', (path) => ts.sys.readFile(path)).config;
const paths = (tsconfig as { compilerOptions?: { paths?: Record<string, string[]> } }).compilerOptions?.paths ?? {};

const shared = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testEnvironment: 'node',
  // Type checking is `npm run typecheck`'s job; tests only need the code transpiled.
  // Nest 12 and jose are ES modules and Jest on Node 20 cannot require() them, so tests run as ES modules
  // (node --experimental-vm-modules). The services themselves run as CommonJS on Node's require(esm).
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.spec.json' }] },
  moduleNameMapper: pathsToModuleNameMapper(paths, { prefix: '<rootDir>/' }),
} satisfies Config;

const config: Config = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};

export default config;
