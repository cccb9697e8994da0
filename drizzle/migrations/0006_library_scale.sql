-- Title search needs trigrams; pg_trgm is a trusted extension on PostgreSQL 13+ and ships with PGlite.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "images_created_idx" ON "images" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "images_public_album_idx" ON "images" USING btree ("album_id","created_at","id") WHERE "images"."status" = 'ready' and "images"."visibility" = 'public';--> statement-breakpoint
CREATE INDEX "images_taken_idx" ON "images" USING btree ("taken_at","id");--> statement-breakpoint
CREATE INDEX "images_title_trgm_idx" ON "images" USING gin ("title" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "preprocess_jobs_created_idx" ON "preprocess_jobs" USING btree ("created_at","id");