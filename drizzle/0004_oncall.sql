CREATE TABLE "oncall_handovers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "oncall_handovers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"rotation" text NOT NULL,
	"handover_at" timestamp with time zone NOT NULL,
	"shift_index" integer NOT NULL,
	"shift_end" timestamp with time zone NOT NULL,
	"outgoing" text,
	"incoming" text NOT NULL,
	"channel" text,
	"opened_at" timestamp with time zone NOT NULL,
	"checked_out_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"checked_in_at" timestamp with time zone,
	"tickets_moved" integer,
	"reminded_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"snapshot" jsonb
);
--> statement-breakpoint
CREATE TABLE "oncall_notes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "oncall_notes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"rotation" text NOT NULL,
	"handover_at" timestamp with time zone NOT NULL,
	"author" text NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oncall_overrides" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "oncall_overrides_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"rotation" text NOT NULL,
	"shift_start" timestamp with time zone NOT NULL,
	"shift_end" timestamp with time zone NOT NULL,
	"replaced_user" text NOT NULL,
	"covering_user" text NOT NULL,
	"requested_by" text NOT NULL,
	"status" text NOT NULL,
	"forced" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"request_key" text
);
--> statement-breakpoint
CREATE TABLE "oncall_pages" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "oncall_pages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"ticket_id" integer NOT NULL,
	"rotation" text,
	"line" jsonb NOT NULL,
	"step" integer DEFAULT 0 NOT NULL,
	"paged_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"taken_by" text,
	"trail" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "visit_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "visit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"order_id" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"kind" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"note" text,
	"data" jsonb
);
--> statement-breakpoint
CREATE TABLE "visit_orders" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "visit_orders_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"ticket_id" integer NOT NULL,
	"customer_id" integer NOT NULL,
	"address" text NOT NULL,
	"contact_name" text NOT NULL,
	"contact_phone" text NOT NULL,
	"need" text NOT NULL,
	"requested_start" timestamp with time zone NOT NULL,
	"requested_end" timestamp with time zone NOT NULL,
	"window_start" timestamp with time zone,
	"window_end" timestamp with time zone,
	"state" text NOT NULL,
	"engineer" text,
	"created_by" text NOT NULL,
	"slack_channel" text,
	"slack_ts" text,
	"accepted_at" timestamp with time zone,
	"window_agreed_at" timestamp with time zone,
	"eta" timestamp with time zone,
	"late_notices" integer DEFAULT 0 NOT NULL,
	"late_notices_flagged" integer DEFAULT 0 NOT NULL,
	"missed_notices" integer DEFAULT 0 NOT NULL,
	"call_attempts" integer DEFAULT 0 NOT NULL,
	"left_note_at" timestamp with time zone,
	"left_note_where" text,
	"left_note_phone" text,
	"arrived_at" timestamp with time zone,
	"arrival_offset_minutes" integer,
	"punctuality" text,
	"completed_at" timestamp with time zone,
	"completed_by" text,
	"work_done" text,
	"parts_used" text,
	"result" text,
	"follow_up" boolean,
	"follow_up_note" text,
	"confirmed_at" timestamp with time zone,
	"confirmed_via" text,
	"confirmed_name" text,
	"confirmed_by" text,
	"rating" integer,
	"rating_comment" text,
	"archived_at" timestamp with time zone,
	"archived_by" text,
	"close_reason" text,
	"request_key" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "visit_signoffs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "visit_signoffs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"order_id" integer NOT NULL,
	"secret" text NOT NULL,
	"code_hash" text NOT NULL,
	"code_failures" integer DEFAULT 0 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "oncall_pages" ADD CONSTRAINT "oncall_pages_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_events" ADD CONSTRAINT "visit_events_order_id_visit_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."visit_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_orders" ADD CONSTRAINT "visit_orders_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_orders" ADD CONSTRAINT "visit_orders_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_signoffs" ADD CONSTRAINT "visit_signoffs_order_id_visit_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."visit_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "oncall_handovers_slot_uq" ON "oncall_handovers" USING btree ("rotation","handover_at");--> statement-breakpoint
CREATE INDEX "oncall_handovers_unacked_idx" ON "oncall_handovers" USING btree ("opened_at") WHERE acknowledged_at is null;--> statement-breakpoint
CREATE INDEX "oncall_handovers_incoming_idx" ON "oncall_handovers" USING btree ("incoming","handover_at");--> statement-breakpoint
CREATE UNIQUE INDEX "oncall_notes_slot_uq" ON "oncall_notes" USING btree ("rotation","handover_at");--> statement-breakpoint
CREATE UNIQUE INDEX "oncall_overrides_active_uq" ON "oncall_overrides" USING btree ("rotation","shift_start") WHERE status = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "oncall_overrides_request_uq" ON "oncall_overrides" USING btree ("request_key");--> statement-breakpoint
CREATE INDEX "oncall_overrides_shift_idx" ON "oncall_overrides" USING btree ("rotation","shift_start");--> statement-breakpoint
CREATE UNIQUE INDEX "oncall_pages_ticket_uq" ON "oncall_pages" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "oncall_pages_paging_idx" ON "oncall_pages" USING btree ("paged_at") WHERE status = 'paging';--> statement-breakpoint
CREATE INDEX "visit_events_order_idx" ON "visit_events" USING btree ("order_id","at");--> statement-breakpoint
CREATE INDEX "visit_events_kind_idx" ON "visit_events" USING btree ("kind","at");--> statement-breakpoint
CREATE UNIQUE INDEX "visit_orders_key_uq" ON "visit_orders" USING btree ("key");--> statement-breakpoint
CREATE UNIQUE INDEX "visit_orders_request_key_uq" ON "visit_orders" USING btree ("request_key");--> statement-breakpoint
CREATE INDEX "visit_orders_ticket_idx" ON "visit_orders" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "visit_orders_state_window_idx" ON "visit_orders" USING btree ("state","window_start");--> statement-breakpoint
CREATE INDEX "visit_orders_open_created_idx" ON "visit_orders" USING btree ("created_at") WHERE state = 'open';--> statement-breakpoint
CREATE INDEX "visit_orders_engineer_active_idx" ON "visit_orders" USING btree ("engineer") WHERE state not in ('archived', 'cancelled', 'declined');--> statement-breakpoint
CREATE INDEX "visit_signoffs_order_idx" ON "visit_signoffs" USING btree ("order_id");