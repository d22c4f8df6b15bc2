import { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error';
import { refineServiceConfig, SECRET_VARIABLES } from './service-config';

/**
 * Validates the environment against a service's schema. Unknown variables are ignored (the environment holds
 * much else); every problem is reported at once, naming the variable and what was expected.
 */
export function loadConfig<Schema extends z.ZodObject>(
  service: string,
  schema: Schema,
  env: NodeJS.ProcessEnv = process.env,
): z.output<Schema> {
  // Empty strings mean "not set": compose files often pass VAR= for optional variables.
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const result = schema
    .superRefine((value, ctx) => {
      refineServiceConfig(value, ctx, raw);
    })
    .safeParse(raw);
  if (result.success) return result.data;
  const problems: ConfigProblem[] = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    const value = raw[variable];
    return {
      variable,
      expected: issue.message,
      received: value === undefined ? undefined : SECRET_VARIABLES.has(variable) ? '<redacted>' : JSON.stringify(value),
    };
  });
  throw new ConfigError(service, problems);
}

/** Known variable names of a schema: docker-compose and docs are checked against these. */
export function configVariables(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape);
}
