CREATE SCHEMA IF NOT EXISTS "smoke";
--> statement-breakpoint
CREATE TABLE "smoke"."notes" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"amount_micros" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "notes_run_id_idx" ON "smoke"."notes" ("run_id");
