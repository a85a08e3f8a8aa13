CREATE TABLE "kb_article_messages" (
	"message_key" text PRIMARY KEY NOT NULL,
	"article_id" integer NOT NULL,
	"channel" text NOT NULL,
	"slack_ts" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
DROP INDEX "kb_articles_search_trgm_idx";--> statement-breakpoint
DROP INDEX "kb_articles_title_trgm_idx";--> statement-breakpoint
ALTER TABLE "kb_article_messages" ADD CONSTRAINT "kb_article_messages_article_id_kb_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."kb_articles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "kb_article_messages_article_idx" ON "kb_article_messages" USING btree ("article_id","created_at");--> statement-breakpoint
CREATE INDEX "kb_articles_title_words_idx" ON "kb_articles" USING gin (string_to_array(btrim("title_search"), ' '));--> statement-breakpoint
CREATE INDEX "kb_articles_search_words_idx" ON "kb_articles" USING gin (string_to_array(btrim("search_text"), ' '));