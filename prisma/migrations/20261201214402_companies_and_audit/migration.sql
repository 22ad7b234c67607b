-- DropForeignKey
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_actor_id_fkey";

-- DropForeignKey
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_company_id_fkey";

-- DropIndex
DROP INDEX "company_domains_company_id_idx";

-- DropIndex
DROP INDEX "company_domains_domain_key";

-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "user_agent" TEXT;

-- AlterTable
ALTER TABLE "company_domains" ADD COLUMN     "verified_domain" TEXT;

-- AlterTable
ALTER TABLE "company_settings" ALTER COLUMN "risk_management_required" SET DEFAULT true,
ALTER COLUMN "allowed_trading_hours" SET DEFAULT '24/7';

-- AlterTable
ALTER TABLE "invitations" ADD COLUMN     "accepted_by_id" UUID;

-- AlterTable
ALTER TABLE "memberships" ADD COLUMN     "role_since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE UNIQUE INDEX "company_domains_verified_domain_key" ON "company_domains"("verified_domain");

-- CreateIndex
CREATE INDEX "company_domains_domain_idx" ON "company_domains"("domain");

-- CreateIndex
CREATE UNIQUE INDEX "company_domains_company_id_domain_key" ON "company_domains"("company_id", "domain");

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Existing memberships keep their tokens valid: their role dates from when they joined.
UPDATE "memberships" SET "role_since" = "created_at";

-- Audit rows are append-only in the database itself, whatever the client.
-- Prisma's driver adapters split migration scripts on every semicolon, so the body spells its own as \073.
CREATE FUNCTION "audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''audit_events is append-only: % refused'', TG_OP USING ERRCODE = ''insufficient_privilege''\073 END\073';

CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();

CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
