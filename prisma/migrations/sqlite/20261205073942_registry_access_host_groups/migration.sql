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
    "accessHostGroups" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Registry" ("accessHostIds", "caCert", "createdAt", "id", "insecure", "kind", "name", "region", "secret", "serverAddress", "updatedAt", "username") SELECT "accessHostIds", "caCert", "createdAt", "id", "insecure", "kind", "name", "region", "secret", "serverAddress", "updatedAt", "username" FROM "Registry";
DROP TABLE "Registry";
ALTER TABLE "new_Registry" RENAME TO "Registry";
CREATE UNIQUE INDEX "Registry_name_key" ON "Registry"("name");
CREATE UNIQUE INDEX "Registry_serverAddress_key" ON "Registry"("serverAddress");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

