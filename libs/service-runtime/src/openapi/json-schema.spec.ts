import { z } from 'zod';
import { SchemaConverter } from './json-schema';

describe('SchemaConverter', () => {
  it('converts the input side of transforms, coercions and defaults, without the dialect marker', () => {
    const converter = new SchemaConverter();
    const schema = z.strictObject({
      at: z.iso.datetime({ offset: true }).transform((v) => new Date(v)),
      limit: z.coerce.number().int().default(50),
      name: z
        .string()
        .trim()
        .min(1)
        .refine((v) => v !== 'admin', { error: 'reserved' }),
    });
    const json = converter.convert(schema, 'x');
    expect(json).toMatchObject({
      type: 'object',
      properties: {
        at: { type: 'string', format: 'date-time' },
        limit: { type: 'integer', default: 50 },
        name: { type: 'string', minLength: 1 },
      },
      required: ['at', 'name'],
      additionalProperties: false,
    });
    expect(json).not.toHaveProperty('$schema');
    expect(converter.components).toEqual({});
  });

  it('makes what JSON Schema cannot say "anything"', () => {
    const converter = new SchemaConverter();
    expect(converter.convert(z.object({ d: z.date(), b: z.instanceof(Buffer) }), 'x')).toMatchObject({
      properties: { d: {}, b: {} },
    });
  });

  it('moves a schema that contains itself into the components and refers to it there', () => {
    interface Node {
      children: Node[];
    }
    const NodeSchema: z.ZodType<Node> = z.lazy(() => z.object({ children: z.array(NodeSchema) }));
    const converter = new SchemaConverter();
    expect(converter.convert(NodeSchema, 'tree body')).toEqual({ $ref: '#/components/schemas/tree_body' });
    expect(converter.components.tree_body).toEqual({
      type: 'object',
      properties: { children: { type: 'array', items: { $ref: '#/components/schemas/tree_body' } } },
      required: ['children'],
    });
    expect(converter.resolve({ $ref: '#/components/schemas/tree_body' })).toBe(converter.components.tree_body);
  });

  it('moves shared definitions into the components under names of their own', () => {
    const Colour = z.enum(['red', 'blue']).meta({ id: 'Colour' });
    const converter = new SchemaConverter();
    const json = converter.convert(z.object({ colour: Colour }), 'paint');
    expect(json).toMatchObject({ properties: { colour: { $ref: '#/components/schemas/paint.Colour' } } });
    expect(converter.components['paint.Colour']).toMatchObject({ enum: ['red', 'blue'] });
  });

  it('answers "anything" for a schema zod cannot convert at all', () => {
    const converter = new SchemaConverter();
    const broken = { '~standard': { vendor: 'zod' } } as unknown as z.ZodType;
    expect(converter.convert(broken, 'x')).toEqual({});
  });
});
