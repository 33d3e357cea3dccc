-- Custom migration (drizzle-kit generate --custom): the one catalog_version row exists from
-- the start, so every write transaction can lock it first (SELECT ... FOR UPDATE) and catalog
-- writes are serialized from their first read, keeping audit before/after exact.
INSERT INTO "catalog_version" ("id", "version") VALUES (1, 0) ON CONFLICT ("id") DO NOTHING;
