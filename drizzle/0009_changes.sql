CREATE TABLE "change_approvals" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "change_approvals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"change_id" integer NOT NULL,
	"approver" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "change_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"change_id" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"kind" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"note" text,
	"data" jsonb
);
--> statement-breakpoint
CREATE TABLE "change_notices" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "change_notices_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"change_id" integer NOT NULL,
	"stage" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "changes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"title" text NOT NULL,
	"systems" text[] NOT NULL,
	"system_keys" text[] NOT NULL,
	"description" text NOT NULL,
	"reason" text NOT NULL,
	"risk" text NOT NULL,
	"impact" text NOT NULL,
	"test_evidence" text,
	"plan" text NOT NULL,
	"rollback_plan" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"requester" text NOT NULL,
	"implementer" text NOT NULL,
	"ticket_id" integer,
	"emergency" boolean DEFAULT false NOT NULL,
	"emergency_reason" text,
	"freeze_reason" text,
	"state" text NOT NULL,
	"approved_at" timestamp with time zone,
	"reject_reason" text,
	"cancel_reason" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"verification_checked" text,
	"verification_outcome" text,
	"rollback_happened" text,
	"rollback_why" text,
	"follow_up_ticket_id" integer,
	"slack_channel" text,
	"slack_ts" text,
	"request_key" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "change_approvals" ADD CONSTRAINT "change_approvals_change_id_changes_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_events" ADD CONSTRAINT "change_events_change_id_changes_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_notices" ADD CONSTRAINT "change_notices_change_id_changes_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_follow_up_ticket_id_tickets_id_fk" FOREIGN KEY ("follow_up_ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "change_approvals_uq" ON "change_approvals" USING btree ("change_id","approver");--> statement-breakpoint
CREATE INDEX "change_events_change_idx" ON "change_events" USING btree ("change_id","at");--> statement-breakpoint
CREATE INDEX "change_events_at_idx" ON "change_events" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "change_notices_stage_uq" ON "change_notices" USING btree ("change_id","stage");--> statement-breakpoint
CREATE UNIQUE INDEX "changes_key_uq" ON "changes" USING btree ("key");--> statement-breakpoint
CREATE UNIQUE INDEX "changes_request_key_uq" ON "changes" USING btree ("request_key");--> statement-breakpoint
CREATE INDEX "changes_window_idx" ON "changes" USING btree ("window_start","window_end");--> statement-breakpoint
CREATE INDEX "changes_open_idx" ON "changes" USING btree ("window_start") WHERE state in ('submitted', 'approved', 'scheduled', 'implementing', 'verifying');--> statement-breakpoint
CREATE INDEX "changes_requester_idx" ON "changes" USING btree ("requester");--> statement-breakpoint
CREATE INDEX "changes_implementer_idx" ON "changes" USING btree ("implementer");