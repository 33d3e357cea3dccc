// How a replica learns that another one committed a catalog change: LISTEN on PostgreSQL
// (the NOTIFY is sent by changes.ts inside the committing transaction), plus a slow poll of
// the version row as a safety net for a dropped listen connection; on PGlite a poll only.
import pg from 'pg';
import { NOTIFY_CHANNEL, readVersion } from './changes.ts';
import type { CatalogDbHandle } from './db.ts';

export interface WatchOptions {
  /** Poll interval of the version row: the only path on PGlite, the safety net on PostgreSQL. */
  pollMs: number;
  onVersion(version: number): void;
  onError(e: unknown): void;
}

/** Resolves once the first LISTEN attempt is done (so no commit after it can be missed). */
export async function watchVersion(
  handle: CatalogDbHandle,
  opts: WatchOptions,
): Promise<() => Promise<void>> {
  let stopped = false;
  let listener: pg.Client | undefined;
  const poll = async () => {
    try {
      opts.onVersion(await readVersion(handle.db));
    } catch (e) {
      if (!stopped) opts.onError(e);
    }
  };
  const timer = setInterval(poll, opts.pollMs);
  timer.unref();

  const listen = async (): Promise<void> => {
    if (handle.kind !== 'postgres' || stopped) return;
    const client = new pg.Client(handle.pool.options);
    client.on('notification', (n) => {
      const v = Number(n.payload);
      if (n.channel === NOTIFY_CHANNEL && Number.isSafeInteger(v)) opts.onVersion(v);
    });
    // On a lost connection: reconnect after a pause and poll once, as notices may have been missed.
    client.on('error', (e) => {
      opts.onError(e);
      client.end().catch(() => {});
      if (!stopped) setTimeout(() => listen().then(poll), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      listener = client;
    } catch (e) {
      opts.onError(e);
      client.end().catch(() => {});
      if (!stopped) setTimeout(() => listen().then(poll), 1000).unref();
    }
  };
  await listen();
  await poll(); // covers commits made before LISTEN took effect

  return async () => {
    stopped = true;
    clearInterval(timer);
    await listener?.end().catch(() => {});
  };
}
