import type { Field } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';

/**
 * A farmer's fields in the order their messages number them (`DONE 2 25` names the second):
 * by id, which the registry lists in, so a number means the same field in every message until
 * a field is added or removed.
 */
export async function farmerFields(registry: Registry, farmerId: string): Promise<Field[]> {
  const fields = await registry.fields.list({ farmerId });
  return [...fields].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The field's 1-based number in its farmer's list. */
export async function fieldNumber(registry: Registry, field: Field): Promise<number> {
  const fields = await farmerFields(registry, field.farmerId);
  return fields.findIndex((f) => f.id === field.id) + 1;
}
