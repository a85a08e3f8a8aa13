CREATE TABLE "visit_sla_alerts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "visit_sla_alerts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"order_id" integer NOT NULL,
	"target" text NOT NULL,
	"stage" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"stage_at" timestamp with time zone NOT NULL,
	"posted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "visit_orders" ADD COLUMN "sla_posted" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "visit_orders" ADD COLUMN "next_check_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "visit_sla_alerts" ADD CONSTRAINT "visit_sla_alerts_order_id_visit_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."visit_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "visit_sla_alerts_stage_uq" ON "visit_sla_alerts" USING btree ("order_id","target","stage");--> statement-breakpoint
CREATE INDEX "visit_sla_alerts_posted_idx" ON "visit_sla_alerts" USING btree ("posted_at");--> statement-breakpoint
CREATE INDEX "visit_orders_next_check_idx" ON "visit_orders" USING btree ("next_check_at") WHERE next_check_at is not null;--> statement-breakpoint
-- Orders whose clocks run already: the next sweep works out their stages and next look.
UPDATE "visit_orders" SET "next_check_at" = now() WHERE "state" IN ('open', 'scheduled', 'late');
