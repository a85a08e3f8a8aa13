CREATE TABLE "alert_deliveries" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"fingerprint" text NOT NULL,
	"status" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"episode_id" integer,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_episodes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_episodes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"fingerprint" text NOT NULL,
	"source" text NOT NULL,
	"ticket_id" integer,
	"previous_ticket_id" integer,
	"alert_name" text NOT NULL,
	"labels" jsonb NOT NULL,
	"status" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"unreported_firings" integer DEFAULT 0 NOT NULL,
	"firings" integer DEFAULT 1 NOT NULL,
	"last_note_at" timestamp with time zone,
	"monitoring_resolved_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "origin" text DEFAULT 'slack' NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_episode_id_alert_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."alert_episodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_episodes" ADD CONSTRAINT "alert_episodes_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_episodes" ADD CONSTRAINT "alert_episodes_previous_ticket_id_tickets_id_fk" FOREIGN KEY ("previous_ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alert_deliveries_key_uq" ON "alert_deliveries" USING btree ("fingerprint","status","starts_at");--> statement-breakpoint
CREATE INDEX "alert_deliveries_received_idx" ON "alert_deliveries" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alert_episodes_open_fingerprint_uq" ON "alert_episodes" USING btree ("fingerprint") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "alert_episodes_fingerprint_idx" ON "alert_episodes" USING btree ("fingerprint","created_at");--> statement-breakpoint
CREATE INDEX "alert_episodes_ticket_idx" ON "alert_episodes" USING btree ("ticket_id");