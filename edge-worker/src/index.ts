import { Hono } from 'hono';
import type { EdgeEnv } from './env.ts';

const app = new Hono<EdgeEnv>();
app.get('/healthz', (c) => c.json({ ok: true, part: 'edge' }));

export default app;
