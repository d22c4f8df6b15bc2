import { configVariables, loadConfig } from '@tessera/config';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { integrityConfigSchema } from '../../apps/integrity/src/integrity.config';
import { pinsConfigSchema } from '../../apps/pins/src/pins.config';
import { registrationConfigSchema } from '../../apps/registration/src/registration.config';
import { tokenConfigSchema } from '../../apps/token/src/token.config';
import { verifierConfigSchema } from '../../apps/verifier/src/verifier.config';
import { TEST_KEK } from '../support/test-kek';

const root = process.cwd();
const schemas: Record<string, z.ZodObject> = {
  registration: registrationConfigSchema,
  integrity: integrityConfigSchema,
  token: tokenConfigSchema,
  pins: pinsConfigSchema,
  verifier: verifierConfigSchema,
};

interface ComposeService {
  environment?: Record<string, string | number>;
  depends_on?: Record<string, unknown>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const nestCli = JSON.parse(readFileSync(path.join(root, 'nest-cli.json'), 'utf8')) as {
  projects: Record<string, { type: string }>;
};
const apps = Object.entries(nestCli.projects)
  .filter(([, project]) => project.type === 'application')
  .map(([name]) => name);

/** The image's selector of which service to run; not a setting of the service itself. */
const IMAGE_VARIABLES = new Set(['SERVICE']);

/** What the operator exports before `docker compose up`: the secrets the file leaves to them. */
const OPERATOR_ENVIRONMENT: Record<string, string> = { TESSERA_KEK: TEST_KEK };

/**
 * Compose's interpolation of `${NAME}`, `${NAME:-default}` and `${NAME:?message}` (the last refuses to start
 * when NAME is unset or empty), from the operator's environment.
 */
function interpolate(value: string, operator: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g,
    (_all, name: string, op?: string, arg?: string) => {
      const given = operator[name];
      if (given) return given;
      if (op === ':?') throw new Error(`docker compose refuses to start: ${name}: ${arg ?? ''}`);
      return op === ':-' ? (arg ?? '') : '';
    },
  );
}

function environmentOf(app: string, operator: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(compose.services[app]?.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), operator)]),
  );
}

describe('docker-compose.yml', () => {
  it('lists exactly the five apps of the monorepo', () => {
    expect(apps.sort()).toEqual(Object.keys(schemas).sort());
  });

  it.each(apps)('has a %s service whose variables its configuration knows and accepts', (app) => {
    const service = compose.services[app];
    expect(service).toBeDefined();
    const schema = schemas[app];
    if (!service || !schema) return;
    const environment = environmentOf(app, OPERATOR_ENVIRONMENT);
    const known = new Set(configVariables(schema));
    const unknown = Object.keys(environment).filter((v) => !known.has(v) && !IMAGE_VARIABLES.has(v));
    expect(unknown).toEqual([]);
    expect(environment.SERVICE).toBe(app);
    // The whole environment is valid for the service, as it would be at startup.
    expect(() => loadConfig(`tessera-${app}`, schema, environment)).not.toThrow();
  });

  it('takes the key-encryption key from the operator: none is in the file, and compose refuses to start without one', () => {
    const raw = compose.services.registration?.environment ?? {};
    expect(String(raw.TESSERA_KEK)).toMatch(/^\$\{TESSERA_KEK:\?set TESSERA_KEK to /);
    expect(String(raw.TESSERA_KEK_PREVIOUS)).toBe('${TESSERA_KEK_PREVIOUS:-}');
    expect(() => environmentOf('registration', {})).toThrow(/refuses to start: TESSERA_KEK: set TESSERA_KEK/);
    const rotated = environmentOf('registration', {
      TESSERA_KEK: TEST_KEK,
      TESSERA_KEK_PREVIOUS: TEST_KEK.replace('test-kek:', 'old-kek:'),
    });
    expect(loadConfig('tessera-registration', registrationConfigSchema, rotated).TESSERA_KEK_PREVIOUS).toHaveLength(1);
  });

  it('gives every service a readiness health check and makes it wait for Kafka', () => {
    for (const app of apps) {
      const service = compose.services[app];
      expect(service?.healthcheck?.test.join(' ')).toContain('/health/ready');
      expect(Object.keys(service?.depends_on ?? {})).toContain('kafka');
    }
  });

  it('gives a database only to the services that keep state', () => {
    for (const app of apps) {
      const environment = compose.services[app]?.environment ?? {};
      expect('DATABASE_URL' in environment).toBe(app !== 'verifier');
    }
  });

  it('runs a Kafka 4 broker in KRaft mode and a Postgres', () => {
    const kafka = compose.services.kafka as ComposeService & { image: string };
    expect(kafka.image).toMatch(/^apache\/kafka:4\./);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(compose.services.postgres).toBeDefined();
  });
});
