-- Every ticket records the customer's expected resolution time (SPEC §3.1). Tickets opened before
-- it was required take their SLA resolution due time, as automatic origins do now.
UPDATE "tickets" SET "expected_at" = "resolution_due_at" WHERE "expected_at" IS NULL;--> statement-breakpoint
ALTER TABLE "tickets" ALTER COLUMN "expected_at" SET NOT NULL;
