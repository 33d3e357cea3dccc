// The worker's entry: this isolate's edge app, and the Durable Object class it binds.
import { createEdge } from './app.ts';

export { NoticeLedger } from './notices/ledger.ts';

const { app } = createEdge();
export default app;
