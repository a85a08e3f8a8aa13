DROP INDEX "kb_articles_title_words_idx";--> statement-breakpoint
DROP INDEX "kb_articles_search_words_idx";--> statement-breakpoint
CREATE INDEX "kb_articles_title_words_idx" ON "kb_articles" USING gin (string_to_array(btrim("title_search"), ' ')) WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "kb_articles_search_words_idx" ON "kb_articles" USING gin (string_to_array(btrim("search_text"), ' ')) WITH (fastupdate=false);