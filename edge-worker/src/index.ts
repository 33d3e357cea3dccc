// The worker's entry: this isolate's edge app, and the Durable Object classes it binds.
import { createEdge } from './app.ts';
import type { Bindings } from './env.ts';
import { noteColo } from './events/outbox-client.ts';

export { EventOutbox } from './events/outbox.ts';
export { NoticeLedger } from './notices/ledger.ts';

const { app } = createEdge();
export default {
  fetch(request, env, ctx) {
    // Names this isolate's outbox shards after the colo it runs in.
    noteColo(request);
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Bindings>;
