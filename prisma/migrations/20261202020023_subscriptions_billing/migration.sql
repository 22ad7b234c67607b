-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('PENDING', 'PAID', 'DECLINED', 'VOID');

-- AlterTable
ALTER TABLE "invoices" ADD COLUMN     "change" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "failure_reason" TEXT,
ADD COLUMN     "provider_reference" TEXT,
ADD COLUMN     "status" "InvoiceStatus" NOT NULL DEFAULT 'PENDING',
ADD COLUMN     "subscription_version" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "subscriptions" DROP COLUMN "seats",
ADD COLUMN     "pending_billing_cycle" "BillingCycle",
ADD COLUMN     "pending_tier" "SubscriptionTier",
ADD COLUMN     "plan_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "seat_limit" INTEGER;

-- CreateIndex
CREATE INDEX "invoices_company_id_status_idx" ON "invoices"("company_id", "status");
