// What the suite's setup hands to each group of cases. Filled in beforeAll, so cases read
// it inside their `it` bodies. Groups run in order and build on each other's objects
// (acme-1 from the auth cases, ssp-a from the CRUD cases), like a session against one catalog.
import type { CatalogDbHandle } from '../db.ts';
import type { CatalogPart } from '../part.ts';
import type { caller } from '../testing.ts';

export interface SuiteDriver {
  name: string;
  /** A fresh empty database. */
  open(): Promise<CatalogDbHandle>;
  /** A second connection to the same database, as another core replica would have. */
  openPeer(first: CatalogDbHandle): Promise<CatalogDbHandle>;
  /** The peer's version poll; PostgreSQL sets it high so only NOTIFY can deliver in time. */
  peerPollMs?: number;
  cleanup?(): Promise<void>;
}

export interface SuiteState {
  driver: SuiteDriver;
  handle: CatalogDbHandle;
  part: CatalogPart;
  call: ReturnType<typeof caller>;
  acmeToken: string;
  globexToken: string;
}
