import type { JsonObject } from '../api/requests';
import { UsageError } from '../errors';

/**
 * `--set signals.proxy=reject` and `--rules file.json` both give a partial rule set that the API lays over a
 * preset or the current rules; the CLI only builds it, the API validates it.
 */

const PATH = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** `a.b=value` → {a: {b: value}}; the value is JSON when it parses as JSON (600, true, "1.0"), else the text. */
export function parseSetting(setting: string): JsonObject {
  const equals = setting.indexOf('=');
  const path = setting.slice(0, Math.max(equals, 0)).trim();
  if (equals < 0 || !PATH.test(path)) {
    throw new UsageError(`--set ${setting}: expected <rule path>=<value>, e.g. signals.proxy=reject`);
  }
  const raw = setting.slice(equals + 1);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  return path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as JsonObject;
}

/** `later` laid over `earlier`, object by object (arrays and values are replaced). */
export function mergeRules(earlier: JsonObject, later: JsonObject): JsonObject {
  const merged: JsonObject = { ...earlier };
  for (const [key, value] of Object.entries(later)) {
    const existing = merged[key];
    merged[key] = isObject(existing) && isObject(value) ? mergeRules(existing, value) : value;
  }
  return merged;
}

/** The rules from a file, then every --set in order; undefined when neither was given. */
export function combineRules(
  fromFile: JsonObject | undefined,
  settings: readonly string[] | undefined,
): JsonObject | undefined {
  if (fromFile === undefined && (settings === undefined || settings.length === 0)) return undefined;
  return (settings ?? []).map(parseSetting).reduce(mergeRules, fromFile ?? {});
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
