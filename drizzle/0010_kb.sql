-- pg_trgm: substring and similarity search of articles (kb_articles.*_search); PGlite loads it in src/platform/db.ts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "kb_article_versions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "kb_article_versions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"article_id" integer NOT NULL,
	"version" integer NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"changes" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_articles" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "kb_articles_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"title" text NOT NULL,
	"symptom" text NOT NULL,
	"cause" text DEFAULT '' NOT NULL,
	"fix" text NOT NULL,
	"product" text,
	"fault_category" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"source_ticket_id" integer,
	"source_ticket_key" text,
	"author" text NOT NULL,
	"retired_at" timestamp with time zone,
	"retired_by" text,
	"title_search" text NOT NULL,
	"search_text" text NOT NULL,
	"request_key" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_ticket_hints" (
	"ticket_id" integer PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"suggested" jsonb
);
--> statement-breakpoint
ALTER TABLE "kb_article_versions" ADD CONSTRAINT "kb_article_versions_article_id_kb_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."kb_articles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_articles" ADD CONSTRAINT "kb_articles_source_ticket_id_tickets_id_fk" FOREIGN KEY ("source_ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_ticket_hints" ADD CONSTRAINT "kb_ticket_hints_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "kb_article_versions_uq" ON "kb_article_versions" USING btree ("article_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "kb_articles_key_uq" ON "kb_articles" USING btree ("key");--> statement-breakpoint
CREATE UNIQUE INDEX "kb_articles_request_key_uq" ON "kb_articles" USING btree ("request_key");--> statement-breakpoint
CREATE UNIQUE INDEX "kb_articles_source_ticket_uq" ON "kb_articles" USING btree ("source_ticket_id") WHERE source_ticket_id is not null and retired_at is null;--> statement-breakpoint
CREATE INDEX "kb_articles_source_key_idx" ON "kb_articles" USING btree ("source_ticket_key");--> statement-breakpoint
CREATE INDEX "kb_articles_search_trgm_idx" ON "kb_articles" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "kb_articles_title_trgm_idx" ON "kb_articles" USING gin ("title_search" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "kb_ticket_hints_pending_idx" ON "kb_ticket_hints" USING btree ("created_at") WHERE state = 'pending';