/**
 * Field paths as issues print them: `spec.eventSources[0].kind`, and map keys that are not plain
 * identifiers in brackets, `data["ca.crt"]`, so that a key with dots stays one step.
 */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}
