import { z } from 'zod';

/**
 * A request body the route reads itself (a CSV, a multipart upload, a form, a JSON body whose
 * batch or empty form the route answers in its own way), declared for the document only. The
 * framework validates a body declared with a zod schema (and refuses other media types with
 * 415); given a plain JSON Schema it leaves the body alone, so the zod schema is written out as
 * one (OpenAPI 3.1 schemas are JSON Schema 2020-12).
 */
export function describedBody(
  mediaType: string,
  schema: z.ZodType | Record<string, unknown>,
  options: { required: boolean; description?: string },
) {
  return {
    required: options.required,
    ...(options.description === undefined ? {} : { description: options.description }),
    content: {
      [mediaType]: { schema: schema instanceof z.ZodType ? jsonSchemaOf(schema) : schema },
    },
  };
}

/**
 * The JSON Schema of what a zod schema accepts (its input), without the `$schema` line. A schema
 * holding a named one (`.meta({ id })`) would come with local `$defs`, which mean nothing inside
 * the OpenAPI document: refused at start-up rather than published broken.
 */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  });
  if ('$defs' in rest) throw new Error('describedBody: a schema with named parts (meta id)');
  return rest;
}
