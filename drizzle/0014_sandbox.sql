CREATE TABLE "sandbox_ephemerals" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"user_id" text NOT NULL,
	"ts" text NOT NULL,
	"body" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_messages" (
	"channel" text NOT NULL,
	"ts" text NOT NULL,
	"body" jsonb NOT NULL,
	CONSTRAINT "sandbox_messages_channel_ts_pk" PRIMARY KEY("channel","ts")
);
--> statement-breakpoint
CREATE TABLE "sandbox_state" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_views" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"user_id" text,
	"body" jsonb NOT NULL,
	"stack_pos" integer,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sandbox_ephemerals_user_idx" ON "sandbox_ephemerals" USING btree ("user_id");