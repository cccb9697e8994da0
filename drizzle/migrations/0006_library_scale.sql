-- Title search needs trigrams; pg_trgm is a trusted extension on PostgreSQL 13+ and ships with PGlite.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
DROP INDEX "image_tags_tag_idx";--> statement-breakpoint
-- Added empty, filled from each tag's image, then required (a NOT NULL column cannot be added to filled rows).
ALTER TABLE "image_tags" ADD COLUMN "image_created_at" timestamp with time zone;--> statement-breakpoint
UPDATE "image_tags" SET "image_created_at" = "images"."created_at" FROM "images" WHERE "images"."id" = "image_tags"."image_id";--> statement-breakpoint
ALTER TABLE "image_tags" ALTER COLUMN "image_created_at" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "image_tags_tag_created_idx" ON "image_tags" USING btree ("tag_id","image_created_at","image_id");--> statement-breakpoint
CREATE INDEX "images_created_idx" ON "images" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "images_public_album_idx" ON "images" USING btree ("album_id","created_at","id") WHERE "images"."status" = 'ready' and "images"."visibility" = 'public';--> statement-breakpoint
CREATE INDEX "images_taken_idx" ON "images" USING btree ("taken_at","id");--> statement-breakpoint
CREATE INDEX "images_title_trgm_idx" ON "images" USING gin ("title" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "preprocess_jobs_created_idx" ON "preprocess_jobs" USING btree ("created_at","id");