// One factory for the admin API's CRUD routes (list with cursor, create, read, patch,
// delete), so every resource gets the same auth scoping, validation, audit and errors.
// The resource files only declare schemas and how rows map to JSON.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, asc, eq, getTableColumns, gt, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { CatalogEnv } from '../auth.ts';
import type { Actor, CatalogTx } from '../changes.ts';
import type { CatalogDb } from '../db.ts';
import { ApiError } from '../errors.ts';
import type { CatalogStore } from '../store.ts';
import { ErrorSchema, IdParam, PageQuery } from './common.ts';

type Values = Record<string, unknown>;

export interface Resource<Row, Create, Patch> {
  /** Audit entity name, e.g. 'campaign'. */
  entity: string;
  /** URL segment under /v1/admin, e.g. 'campaigns'. */
  path: string;
  table: PgTable;
  id: PgColumn;
  /** Column holding the owning advertiser; advertiser tokens see only their own rows. */
  owner?: PgColumn;
  /** What an advertiser-role token may do here (always limited to its own rows). */
  advertiser: 'none' | 'read' | 'write';
  out: z.ZodType;
  create: z.ZodType<Create>;
  patch: z.ZodType<Patch>;
  idPrefix: string;
  /** The id chosen by the caller, if any (default: input.id). */
  idOf?(input: Create): string | undefined;
  toOut(row: Row): unknown;
  /** Columns for a new row (id already chosen); may check references and throw ApiError. */
  insertValues(tx: CatalogTx, input: Create, id: string, actor: Actor): Promise<Values>;
  updateValues(tx: CatalogTx, patch: Patch, current: Row, actor: Actor): Promise<Values>;
}

const json = (schema: z.ZodType, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const errors = {
  400: json(ErrorSchema, 'invalid request'),
  401: json(ErrorSchema, 'missing or unknown token'),
  403: json(ErrorSchema, 'the token may not do this'),
};
const security = [{ bearer: [] }];

export function mountCrud<Row, Create, Patch>(
  app: OpenAPIHono<CatalogEnv>,
  db: CatalogDb,
  store: CatalogStore,
  r: Resource<Row, Create, Patch>,
): void {
  const base = `/v1/admin/${r.path}`;
  const tags = [r.path];
  const Page = z.object({ items: r.out.array(), nextCursor: z.string().nullable() });
  // The JS key of the id column (e.g. 'currency' for currency rates), for the cursor.
  const idKey = Object.entries(getTableColumns(r.table)).find(([, col]) => col === r.id)![0];

  const allowed = (actor: Actor, write: boolean): void => {
    if (actor.role === 'admin') return;
    if (r.advertiser === 'none' || (write && r.advertiser !== 'write'))
      throw new ApiError(
        403,
        'forbidden',
        `an advertiser token may not ${write ? 'change' : 'read'} ${r.path}`,
      );
  };
  const scope = (actor: Actor): SQL | undefined =>
    actor.role === 'advertiser' && r.owner ? eq(r.owner, actor.advertiserId ?? '') : undefined;
  // Another advertiser's object answers 404, so its existence does not leak.
  const load = async (q: CatalogDb | CatalogTx, actor: Actor, id: string): Promise<Row> => {
    const [row] = await q
      .select()
      .from(r.table)
      .where(and(eq(r.id, id), scope(actor)))
      .limit(1);
    if (!row) throw new ApiError(404, 'not_found', `${r.entity} ${id} not found`);
    return row as Row;
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags,
      security,
      summary: `List ${r.path}`,
      request: { query: PageQuery },
      responses: {
        200: json(Page, `a page of ${r.path}, ordered by id`),
        ...errors,
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      allowed(actor, false);
      const { limit, cursor } = c.req.valid('query');
      const rows = (await db
        .select()
        .from(r.table)
        .where(and(scope(actor), cursor ? gt(r.id, cursor) : undefined))
        .orderBy(asc(r.id))
        .limit(limit + 1)) as Row[];
      const page = rows.slice(0, limit);
      const last = page.at(-1) as Values | undefined;
      const nextCursor = rows.length > limit && last ? String(last[idKey]) : null;
      return c.json({ items: page.map(r.toOut), nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: base,
      tags,
      security,
      summary: `Create a ${r.entity}`,
      request: { body: { ...json(r.create, `the new ${r.entity}`), required: true } },
      responses: {
        201: json(r.out, 'created'),
        ...errors,
        409: json(ErrorSchema, 'id already taken'),
        422: json(ErrorSchema, 'refers to a missing or foreign object'),
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      allowed(actor, true);
      const input = c.req.valid('json') as Create;
      const given = r.idOf ? r.idOf(input) : (input as { id?: string }).id;
      const id = given ?? store.newId(r.idPrefix);
      const { value } = await store.change(actor, async (tx) => {
        const values = await r.insertValues(tx, input, id, actor);
        const [row] = (await tx
          .insert(r.table)
          .values(values as never)
          .returning()) as Row[];
        const out = r.toOut(row!);
        return {
          value: out,
          audit: [{ action: 'create', entity: r.entity, entityId: id, before: null, after: out }],
        };
      });
      return c.json(value, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/{id}`,
      tags,
      security,
      summary: `Read a ${r.entity}`,
      request: { params: IdParam },
      responses: { 200: json(r.out, r.entity), ...errors, 404: json(ErrorSchema, 'not found') },
    }),
    async (c) => {
      const actor = c.get('actor');
      allowed(actor, false);
      return c.json(r.toOut(await load(db, actor, c.req.valid('param').id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: `${base}/{id}`,
      tags,
      security,
      summary: `Change a ${r.entity} (only the fields sent)`,
      request: { params: IdParam, body: { ...json(r.patch, 'fields to change'), required: true } },
      responses: {
        200: json(r.out, 'the changed object'),
        ...errors,
        404: json(ErrorSchema, 'not found'),
        422: json(ErrorSchema, 'the result would be invalid'),
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      allowed(actor, true);
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json') as Patch;
      const { value } = await store.change(actor, async (tx) => {
        const current = await load(tx, actor, id);
        const values = await r.updateValues(tx, patch, current, actor);
        // An empty patch changes nothing: no write, no audit row, no new version for the edge.
        if (Object.keys(values).length === 0) return { value: r.toOut(current), audit: [] };
        const [row] = (await tx
          .update(r.table)
          .set({ ...values, updatedAt: new Date() } as never)
          .where(eq(r.id, id))
          .returning()) as Row[];
        const before = r.toOut(current);
        const after = r.toOut(row!);
        return { value: after, audit: [{ action: 'update', entity: r.entity, entityId: id, before, after }] };
      });
      return c.json(value, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${base}/{id}`,
      tags,
      security,
      summary: `Delete a ${r.entity}`,
      request: { params: IdParam },
      responses: {
        204: { description: 'deleted' },
        ...errors,
        404: json(ErrorSchema, 'not found'),
        409: json(ErrorSchema, 'still in use'),
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      allowed(actor, true);
      const { id } = c.req.valid('param');
      await store.change(actor, async (tx) => {
        const current = await load(tx, actor, id);
        await tx.delete(r.table).where(eq(r.id, id));
        return {
          value: null,
          audit: [
            { action: 'delete', entity: r.entity, entityId: id, before: r.toOut(current), after: null },
          ],
        };
      });
      return c.body(null, 204);
    },
  );
}
