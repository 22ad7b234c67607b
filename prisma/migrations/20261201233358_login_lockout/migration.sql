-- AlterTable
ALTER TABLE "users" ADD COLUMN     "last_failed_login_at" TIMESTAMPTZ(3),
ADD COLUMN     "lockout_count" INTEGER NOT NULL DEFAULT 0;
