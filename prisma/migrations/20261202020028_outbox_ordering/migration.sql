-- DropIndex
DROP INDEX "outbox_events_published_at_created_at_idx";

-- AlterTable
ALTER TABLE "outbox_events" ADD COLUMN     "company_id" UUID,
ADD COLUMN     "last_error" TEXT,
ADD COLUMN     "sequence" BIGSERIAL NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_sequence_key" ON "outbox_events"("sequence");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_sequence_idx" ON "outbox_events"("published_at", "sequence");
