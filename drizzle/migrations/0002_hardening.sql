ALTER TABLE "preprocess_jobs" ADD COLUMN "failure_kind" text;--> statement-breakpoint
ALTER TABLE "workers" ADD COLUMN "boot_nonce" text;