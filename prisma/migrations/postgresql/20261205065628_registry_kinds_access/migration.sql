-- AlterTable
ALTER TABLE "Registry" ADD COLUMN     "accessHostIds" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "caCert" TEXT,
ADD COLUMN     "insecure" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'v2',
ADD COLUMN     "region" TEXT,
ALTER COLUMN "secret" DROP NOT NULL;

-- CreateTable
CREATE TABLE "RegistryAccess" (
    "id" TEXT NOT NULL,
    "registryId" TEXT NOT NULL,
    "userId" TEXT,
    "teamId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RegistryAccess_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RegistryAccess_registryId_idx" ON "RegistryAccess"("registryId");

-- CreateIndex
CREATE INDEX "RegistryAccess_userId_idx" ON "RegistryAccess"("userId");

-- CreateIndex
CREATE INDEX "RegistryAccess_teamId_idx" ON "RegistryAccess"("teamId");

-- AddForeignKey
ALTER TABLE "RegistryAccess" ADD CONSTRAINT "RegistryAccess_registryId_fkey" FOREIGN KEY ("registryId") REFERENCES "Registry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

