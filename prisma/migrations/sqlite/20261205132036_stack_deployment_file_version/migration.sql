-- AlterTable
ALTER TABLE "StackDeployment" ADD COLUMN "composeDigest" TEXT;

