-- CreateTable
CREATE TABLE "RegistryAccess" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "registryId" TEXT NOT NULL,
    "userId" TEXT,
    "teamId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RegistryAccess_registryId_fkey" FOREIGN KEY ("registryId") REFERENCES "Registry" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Registry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'v2',
    "serverAddress" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "secret" TEXT,
    "insecure" BOOLEAN NOT NULL DEFAULT false,
    "caCert" TEXT,
    "region" TEXT,
    "accessHostIds" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Registry" ("createdAt", "id", "name", "secret", "serverAddress", "updatedAt", "username") SELECT "createdAt", "id", "name", "secret", "serverAddress", "updatedAt", "username" FROM "Registry";
DROP TABLE "Registry";
ALTER TABLE "new_Registry" RENAME TO "Registry";
CREATE UNIQUE INDEX "Registry_name_key" ON "Registry"("name");
CREATE UNIQUE INDEX "Registry_serverAddress_key" ON "Registry"("serverAddress");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "RegistryAccess_registryId_idx" ON "RegistryAccess"("registryId");

-- CreateIndex
CREATE INDEX "RegistryAccess_userId_idx" ON "RegistryAccess"("userId");

-- CreateIndex
CREATE INDEX "RegistryAccess_teamId_idx" ON "RegistryAccess"("teamId");

