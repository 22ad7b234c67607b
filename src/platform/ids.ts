const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a syntactically valid UUID; anything else cannot name a row and is answered as "not found". */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** The distinct, lower-cased valid UUIDs among `ids` (what a batched lookup should ask the database for). */
export function distinctUuids(ids: readonly string[]): string[] {
  return [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
}

/** Puts rows back in the order of the ids asked for (DataLoader's contract); missing ids give null. */
export function inRequestedOrder<Row extends { id: string }>(ids: readonly string[], rows: readonly Row[]): (Row | null)[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
}
