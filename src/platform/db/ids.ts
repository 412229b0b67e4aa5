// Identifiers and JSON columns, the same in both engines.
import { v7 } from 'uuid';

/** A new UUIDv7: time-ordered, so inserts stay local in indexes, and safe to make on any node. */
export function newId(): string {
  return v7();
}

/** JSON columns read back as text in both engines (see dialect/connect.ts). */
export function parseJson<T>(value: string | null | undefined): T | null {
  if (value == null) return null;
  return JSON.parse(value) as T;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}
