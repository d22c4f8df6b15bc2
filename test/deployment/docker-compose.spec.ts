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

describe('docker-compose.yml', () => {
  it('lists exactly the five apps of the monorepo', () => {
    expect(apps.sort()).toEqual(Object.keys(schemas).sort());
  });

  it.each(apps)('has a %s service whose variables its configuration knows and accepts', (app) => {
    const service = compose.services[app];
    expect(service).toBeDefined();
    const schema = schemas[app];
    if (!service || !schema) return;
    const environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]));
    const known = new Set(configVariables(schema));
    const unknown = Object.keys(environment).filter((v) => !known.has(v) && !IMAGE_VARIABLES.has(v));
    expect(unknown).toEqual([]);
    expect(environment.SERVICE).toBe(app);
    // The whole environment is valid for the service, as it would be at startup.
    expect(() => loadConfig(`tessera-${app}`, schema, environment)).not.toThrow();
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
