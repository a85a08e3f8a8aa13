CREATE TABLE "sla_alerts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sla_alerts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"ticket_id" integer NOT NULL,
	"target" text NOT NULL,
	"stage" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"stage_at" timestamp with time zone NOT NULL,
	"posted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_extensions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sla_extensions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"ticket_id" integer NOT NULL,
	"plan" text NOT NULL,
	"previous_due_at" timestamp with time zone NOT NULL,
	"committed_at" timestamp with time zone NOT NULL,
	"consented_by" text NOT NULL,
	"consent_method" text NOT NULL,
	"consented_at" timestamp with time zone NOT NULL,
	"breached_before" boolean DEFAULT false NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_calendar" text DEFAULT '24x7' NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "response_target_minutes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_target_minutes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "response_warn_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_warn_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "paused_minutes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_posted" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "next_check_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sla_alerts" ADD CONSTRAINT "sla_alerts_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_extensions" ADD CONSTRAINT "sla_extensions_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sla_alerts_stage_uq" ON "sla_alerts" USING btree ("ticket_id","target","stage");--> statement-breakpoint
CREATE INDEX "sla_alerts_posted_idx" ON "sla_alerts" USING btree ("posted_at");--> statement-breakpoint
CREATE INDEX "sla_extensions_ticket_idx" ON "sla_extensions" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "sla_extensions_recorded_idx" ON "sla_extensions" USING btree ("recorded_at");--> statement-breakpoint
CREATE INDEX "tickets_next_check_idx" ON "tickets" USING btree ("next_check_at") WHERE next_check_at is not null;