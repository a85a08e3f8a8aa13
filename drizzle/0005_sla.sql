CREATE TABLE "patrol_items" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "patrol_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"run_id" integer NOT NULL,
	"position" integer NOT NULL,
	"label" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"note" text,
	"ticket_id" integer,
	"recorded_by" text,
	"recorded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "patrol_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "patrol_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"checklist" text NOT NULL,
	"slot_at" timestamp with time zone NOT NULL,
	"run_date" text NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"escalate_at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"state" text NOT NULL,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"submitted_by" text,
	"submitted_at" timestamp with time zone,
	"note" text,
	"reminded_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "daily_report_notes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "daily_report_notes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"report_date" text NOT NULL,
	"user_id" text NOT NULL,
	"text" text NOT NULL,
	"request_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_posts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "review_posts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"month" text NOT NULL,
	"channel" text NOT NULL,
	"requested_by" text NOT NULL,
	"figures" jsonb,
	"lease_until" timestamp with time zone,
	"posted_at" timestamp with time zone,
	"chart_file_id" text,
	"chart_uploaded_at" timestamp with time zone,
	"chart_attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "patrol_items" ADD CONSTRAINT "patrol_items_run_id_patrol_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."patrol_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_items" ADD CONSTRAINT "patrol_items_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "patrol_items_position_uq" ON "patrol_items" USING btree ("run_id","position");--> statement-breakpoint
CREATE INDEX "patrol_items_ticket_idx" ON "patrol_items" USING btree ("ticket_id") WHERE ticket_id is not null;--> statement-breakpoint
CREATE INDEX "patrol_items_unlinked_idx" ON "patrol_items" USING btree ("run_id") WHERE status = 'abnormal' and ticket_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "patrol_runs_slot_uq" ON "patrol_runs" USING btree ("checklist","slot_at");--> statement-breakpoint
CREATE INDEX "patrol_runs_date_idx" ON "patrol_runs" USING btree ("run_date");--> statement-breakpoint
CREATE INDEX "patrol_runs_slot_idx" ON "patrol_runs" USING btree ("slot_at");--> statement-breakpoint
CREATE INDEX "patrol_runs_watch_idx" ON "patrol_runs" USING btree ("deadline_at") WHERE state <> 'submitted' and escalated_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "daily_report_notes_request_uq" ON "daily_report_notes" USING btree ("request_key");--> statement-breakpoint
CREATE INDEX "daily_report_notes_date_idx" ON "daily_report_notes" USING btree ("report_date","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_posts_month_uq" ON "review_posts" USING btree ("month");--> statement-breakpoint
CREATE INDEX "review_posts_chart_pending_idx" ON "review_posts" USING btree ("id") WHERE chart_file_id is null;