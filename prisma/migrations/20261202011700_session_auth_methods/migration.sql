-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "auth_methods" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "authenticated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
