CREATE TABLE "budget_ledger" (
	"name" text PRIMARY KEY NOT NULL,
	"ledger_id" text NOT NULL,
	"pending_ledger_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reseed" jsonb
);
