// The catalog's write path and change feed: store.change() commits a change (with version
// bump and audit, see changes.ts) and then tells local subscribers the new version, so the
// snapshot cache and the budget feed react without waiting for NOTIFY or the poll.
import { randomBytes } from 'node:crypto';
import { type Actor, type AuditEntry, type CatalogTx, type ChangeResult, commitChange } from './changes.ts';
import type { CatalogDbHandle } from './db.ts';

export interface CatalogStore {
  handle: CatalogDbHandle;
  change<T>(
    actor: Actor,
    apply: (tx: CatalogTx) => Promise<{ value: T; audit: AuditEntry[] }>,
  ): Promise<ChangeResult<T>>;
  newId(prefix: string): string;
  /** Listeners get the version of each local commit. */
  onCommit(listener: (version: number) => void): () => void;
}

export function createStore(handle: CatalogDbHandle): CatalogStore {
  const listeners = new Set<(version: number) => void>();
  return {
    handle,
    async change(actor, apply) {
      const result = await commitChange(handle.db, actor, handle.kind === 'postgres', apply);
      for (const l of listeners) l(result.version);
      return result;
    },
    // Sortable enough for humans and unique without a sequence round trip.
    newId: (prefix) => `${prefix}_${Date.now().toString(36)}${randomBytes(5).toString('hex')}`,
    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
