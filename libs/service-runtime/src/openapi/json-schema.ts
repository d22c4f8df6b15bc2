import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

const COMPONENT_REF = '#/components/schemas/';

/**
 * zod schemas as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), in their input form: what a client sends, before
 * transforms, defaults and coercion. What JSON Schema cannot say (a refinement, a transform's function, a date
 * object) becomes "anything" rather than an error, so no schema can break the document.
 *
 * zod writes references relative to the schema it converts (`#` for a schema containing itself, `#/$defs/x` for
 * shared parts); in the document they must point into its components, so such schemas are moved there.
 */
export class SchemaConverter {
  /** Schemas that had to be named to be referred to: `components.schemas` of the document. */
  readonly components: Record<string, JsonSchema> = {};

  /** `name` names the schema if it has to go into the components (it refers to itself). */
  convert(schema: z.ZodType, name: string): JsonSchema {
    let json: JsonSchema;
    try {
      json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    } catch {
      return {};
    }
    const { $schema: _dialect, $defs, ...rest } = json;
    const componentName = sanitize(name);
    const defNames = new Map<string, string>();
    const defs = Object.entries(($defs ?? {}) as Record<string, JsonSchema>);
    for (const [def] of defs) defNames.set(def, sanitize(`${name}.${def}`));
    const rewrite = (ref: string): string => {
      if (ref === '#') return `${COMPONENT_REF}${componentName}`;
      const match = /^#\/\$defs\/([^/]+)(.*)$/.exec(ref);
      const target = match?.[1] === undefined ? undefined : defNames.get(match[1]);
      return target === undefined ? ref : `${COMPONENT_REF}${target}${match?.[2] ?? ''}`;
    };
    for (const [def, schemaOfDef] of defs) {
      this.components[defNames.get(def) ?? def] = rewriteRefs(schemaOfDef, rewrite) as JsonSchema;
    }
    const converted = rewriteRefs(rest, rewrite) as JsonSchema;
    if (!refersTo(rest, '#') && !defs.some(([, schemaOfDef]) => refersTo(schemaOfDef, '#'))) return converted;
    this.components[componentName] = converted;
    return { $ref: `${COMPONENT_REF}${componentName}` };
  }

  /** The schema a `$ref` into the components stands for (one level), or the schema itself. */
  resolve(schema: JsonSchema): JsonSchema {
    const ref = schema.$ref;
    if (typeof ref !== 'string' || !ref.startsWith(COMPONENT_REF)) return schema;
    return this.components[ref.slice(COMPONENT_REF.length)] ?? schema;
  }
}

/** Component names may hold only `A-Z a-z 0-9 . - _`. */
function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

function rewriteRefs(value: unknown, rewrite: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, rewrite));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      key === '$ref' && typeof item === 'string' ? rewrite(item) : rewriteRefs(item, rewrite),
    ]),
  );
}

function refersTo(value: unknown, ref: string): boolean {
  if (Array.isArray(value)) return value.some((item) => refersTo(item, ref));
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, item]) => (key === '$ref' ? item === ref : refersTo(item, ref)));
}
