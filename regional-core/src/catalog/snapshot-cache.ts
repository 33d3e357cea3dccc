// Keeps the serialized snapshot of the newest known version in memory, so the edge's
// frequent If-None-Match polls cost a string compare, not a database read. The known version
// advances on local commits, on NOTIFY / polls from other replicas; the next request then
// rebuilds once (single flight) and every caller shares that build.
import type { CatalogDb } from './db.ts';
import { buildSnapshot, type SnapshotSettings } from './snapshot.ts';

export interface CachedSnapshot {
  version: number;
  etag: string;
  body: string;
}

export interface SnapshotCache {
  get(): Promise<CachedSnapshot>;
  /** Tell the cache a version exists; older or equal versions are ignored. */
  noteVersion(version: number): void;
  knownVersion(): number;
}

export function createSnapshotCache(
  db: CatalogDb,
  settings: SnapshotSettings,
  onBuild: () => void = () => {},
): SnapshotCache {
  let known = 0;
  let cached: CachedSnapshot | undefined;
  let building: Promise<CachedSnapshot> | undefined;

  const build = async (): Promise<CachedSnapshot> => {
    const snap = await buildSnapshot(db, settings);
    onBuild();
    const version = Number(snap.version);
    return { version, etag: `"${snap.version}"`, body: JSON.stringify(snap) };
  };

  return {
    async get() {
      // Bounded: a version row that went backwards (a reset database) must not spin forever.
      for (let i = 0; i < 3 && (!cached || cached.version < known); i++) {
        building ??= build().finally(() => {
          building = undefined;
        });
        const fresh = await building;
        if (!cached || fresh.version > cached.version) cached = fresh;
        if (fresh.version > known) known = fresh.version;
        // A version noted during the build makes the loop build once more.
      }
      // Still behind after the retries: the database is the truth (e.g. it was reset), not the notice.
      if (cached!.version < known) known = cached!.version;
      return cached!;
    },
    noteVersion(version) {
      if (version > known) known = version;
    },
    knownVersion: () => known,
  };
}
