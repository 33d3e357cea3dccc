// The worker's entry: this isolate's edge app, and the Durable Object classes it binds.
import { createEdge } from './app.ts';

export { EventOutbox } from './events/outbox.ts';
export { NoticeLedger } from './notices/ledger.ts';

const { app } = createEdge();
export default app;
