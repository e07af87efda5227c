/**
 * A small JSON Schema (2020-12 subset) checker for the tests: validates a value against a schema
 * from the OpenAPI document, resolving `#/components/schemas/...` references. It knows the
 * keywords our generated document uses and fails loudly on any other, so a new keyword cannot be
 * silently ignored.
 */
type Schema = Record<string, unknown>;

const KNOWN = new Set([
  '$ref',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'pattern',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'anyOf',
  'oneOf',
  'description',
  'propertyNames',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'format',
  'default',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Returns the problems found (empty when the value conforms). */
export function checkJsonSchema(document: Schema, schema: Schema, value: unknown, path = '$'): string[] {
  for (const key of Object.keys(schema))
    if (!KNOWN.has(key)) return [`${path}: checker does not know keyword "${key}"`];
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = (document.components as { schemas: Record<string, Schema> }).schemas[name];
    if (!target) return [`${path}: unresolved $ref ${schema.$ref}`];
    return checkJsonSchema(document, target, value, path);
  }
  const problems: string[] = [];
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) return [`${path}: expected ${types.join('|')}, got ${actual}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value))
    problems.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if ('const' in schema && schema.const !== value)
    problems.push(`${path}: expected const ${JSON.stringify(schema.const)}`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      problems.push(`${path}: "${value}" does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      problems.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      problems.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      problems.push(`${path}: ${value} < ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      problems.push(`${path}: ${value} > ${schema.maximum}`);
  }
  if (actual === 'array' && schema.items) {
    (value as unknown[]).forEach((item, i) =>
      problems.push(...checkJsonSchema(document, schema.items as Schema, item, `${path}[${i}]`)),
    );
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[])
      if (!(name in object)) problems.push(`${path}: missing required "${name}"`);
    for (const [name, child] of Object.entries(object)) {
      if (properties[name])
        problems.push(...checkJsonSchema(document, properties[name], child, `${path}.${name}`));
      else if (schema.additionalProperties === false) problems.push(`${path}: unexpected property "${name}"`);
      else if (typeof schema.additionalProperties === 'object')
        problems.push(
          ...checkJsonSchema(document, schema.additionalProperties as Schema, child, `${path}.${name}`),
        );
    }
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword] as Schema[] | undefined;
    if (!options) continue;
    const passing = options.filter(
      (option) => checkJsonSchema(document, option, value, path).length === 0,
    ).length;
    if (keyword === 'anyOf' ? passing === 0 : passing !== 1)
      problems.push(`${path}: ${passing} of ${keyword} options match`);
  }
  return problems;
}

/** The schema an operation documents for a status and media type. */
export function responseSchema(
  document: Schema,
  path: string,
  status: number,
  mediaType = 'application/json',
): Schema {
  const operation = (
    document.paths as Record<
      string,
      { get: { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> } }
    >
  )[path]?.get;
  const schema = operation?.responses[String(status)]?.content?.[mediaType]?.schema;
  if (!schema) throw new Error(`no documented ${status} ${mediaType} schema for GET ${path}`);
  return schema;
}
