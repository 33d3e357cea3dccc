// The catalog's HTTP surface as one OpenAPIHono sub-app: the admin API under /v1/admin
// (token auth, roles), the edge's /v1/snapshot and the OpenAPI document at /openapi.json,
// which is generated from the same route definitions that validate requests.

import type { Logger } from '@edge-rtb/shared/log';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { adminAuth, type CatalogEnv } from './auth.ts';
import { ApiError, toErrorResponse } from './errors.ts';
import { advertiserResource } from './resources/advertisers.ts';
import { mountAudit } from './resources/audit.ts';
import { campaignResource } from './resources/campaigns.ts';
import { creativeResource } from './resources/creatives.ts';
import { mountCrud } from './resources/crud.ts';
import { currencyRateResource } from './resources/currency-rates.ts';
import { dealResource } from './resources/deals.ts';
import { dspResource } from './resources/dsps.ts';
import { ivtRuleResource } from './resources/ivt-rules.ts';
import { mountSspKeys } from './resources/ssp-keys.ts';
import { sspResource } from './resources/ssps.ts';
import { mountTokens } from './resources/tokens.ts';
import type { SnapshotCache } from './snapshot-cache.ts';
import { mountSnapshot } from './snapshot-route.ts';
import type { CatalogStore } from './store.ts';

const MAX_BODY_BYTES = 1_000_000;

export interface CatalogApiDeps {
  store: CatalogStore;
  snapshots: SnapshotCache;
  adminToken: string;
  edgeToken: string;
  log: Logger;
  onSnapshotAnswer?: (status: 200 | 304) => void;
}

export function createCatalogApi(deps: CatalogApiDeps): OpenAPIHono<CatalogEnv> {
  const { store } = deps;
  const db = store.handle.db;
  const app = new OpenAPIHono<CatalogEnv>({
    // Every validation failure, whatever the route: 400 with the first problem's path.
    defaultHook: (result) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const keys = issue && 'keys' in issue ? (issue.keys as string[]) : [];
      const path = [...(issue?.path ?? []), ...keys.slice(0, 1)].map(String).join('.');
      const where = result.target === 'json' ? 'body' : result.target;
      const message = issue ? `${where}${path ? `.${path}` : ''}: ${issue.message}` : 'invalid request';
      throw new ApiError(400, 'invalid_request', message, path || undefined);
    },
  });
  app.onError((e, c) => toErrorResponse(e, c, (err) => deps.log.error('catalog api error', { err })));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'admin API token (or ADMIN_TOKEN); the edge token for /v1/snapshot',
  });
  app.use('/v1/admin/*', adminAuth(db, deps.adminToken));
  // Generous for markup, small enough that a runaway client cannot make the core buffer much.
  app.use(
    '/v1/admin/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json({ error: 'payload_too_large', message: `bodies are limited to ${MAX_BODY_BYTES} bytes` }, 413),
    }),
  );

  for (const r of [
    advertiserResource,
    campaignResource,
    creativeResource,
    sspResource,
    dspResource,
    dealResource,
  ])
    mountCrud(app, db, store, r as Parameters<typeof mountCrud>[3]);
  mountCrud(app, db, store, currencyRateResource as Parameters<typeof mountCrud>[3]);
  mountCrud(app, db, store, ivtRuleResource as Parameters<typeof mountCrud>[3]);
  mountSspKeys(app, store);
  mountTokens(app, store);
  mountAudit(app, db);
  mountSnapshot(app, deps.snapshots, deps.edgeToken, deps.onSnapshotAnswer);

  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'edge-rtb regional core: catalog',
      version: '1',
      description:
        'Admin API for advertisers, campaigns, creatives, SSPs, DSPs, deals, rates; the edge snapshot.',
    },
  });
  return app;
}
