-- AlterTable
ALTER TABLE "UserTotp" ADD COLUMN     "recoveryCodes" TEXT NOT NULL DEFAULT '[]';

