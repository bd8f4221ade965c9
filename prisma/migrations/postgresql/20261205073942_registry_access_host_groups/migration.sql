-- AlterTable
ALTER TABLE "Registry" ADD COLUMN     "accessHostGroups" TEXT NOT NULL DEFAULT '[]';

