-- DropIndex
DROP INDEX "external_identities_provider_subject_key";

-- AlterTable (no release wrote external identities before this one, so the table is empty and NOT NULL needs no default)
ALTER TABLE "external_identities" ADD COLUMN     "issuer" TEXT NOT NULL;

-- CreateTable
CREATE TABLE "company_sso_providers" (
    "company_id" UUID NOT NULL,
    "issuer" TEXT NOT NULL,
    "jwks_url" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "company_sso_providers_pkey" PRIMARY KEY ("company_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "company_sso_providers_issuer_client_id_key" ON "company_sso_providers"("issuer", "client_id");

-- CreateIndex
CREATE UNIQUE INDEX "external_identities_provider_issuer_subject_key" ON "external_identities"("provider", "issuer", "subject");

-- AddForeignKey
ALTER TABLE "company_sso_providers" ADD CONSTRAINT "company_sso_providers_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "companies"("id") ON DELETE CASCADE ON UPDATE CASCADE;
