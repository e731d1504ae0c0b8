/** zod schemas as the JSON Schema (2020-12) that OpenAPI 3.1 documents embed, by zod's own converter. */
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/**
 * `input` describes what a parser accepts (request bodies, replies we read), `output` what it produces
 * (what we send): defaults become required and plain objects admit no other properties.
 */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** "deductible-change" → "DeductibleChange", for component names that client generators turn into types. */
export const pascal = (s: string) => s.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
