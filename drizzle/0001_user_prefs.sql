CREATE TABLE "user_prefs" (
	"user_id" text PRIMARY KEY NOT NULL,
	"locale" text,
	"updated_at" timestamp with time zone NOT NULL
);
