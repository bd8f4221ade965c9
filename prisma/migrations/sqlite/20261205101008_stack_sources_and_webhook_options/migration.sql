-- AlterTable
ALTER TABLE "StackDeployment" ADD COLUMN "commit" TEXT;

-- CreateTable
CREATE TABLE "ContainerWebhook" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "container" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "secret" TEXT,
    "pullImage" BOOLEAN NOT NULL DEFAULT true,
    "refs" TEXT NOT NULL DEFAULT '[]',
    "rateLimit" INTEGER NOT NULL DEFAULT 30,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotatedAt" DATETIME,
    "lastCalledAt" DATETIME,
    CONSTRAINT "ContainerWebhook_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Stack" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "compose" TEXT NOT NULL,
    "env" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'deploying',
    "createdById" TEXT,
    "ownerTeamId" TEXT,
    "source" TEXT NOT NULL DEFAULT 'editor',
    "gitUrl" TEXT,
    "gitRef" TEXT,
    "gitPath" TEXT,
    "gitAuth" TEXT,
    "gitPollSeconds" INTEGER,
    "gitCommit" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Stack_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Stack" ("compose", "createdAt", "createdById", "env", "hostId", "id", "name", "ownerTeamId", "status", "updatedAt") SELECT "compose", "createdAt", "createdById", "env", "hostId", "id", "name", "ownerTeamId", "status", "updatedAt" FROM "Stack";
DROP TABLE "Stack";
ALTER TABLE "new_Stack" RENAME TO "Stack";
CREATE UNIQUE INDEX "Stack_hostId_name_key" ON "Stack"("hostId", "name");
CREATE TABLE "new_StackWebhook" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "stackId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "secret" TEXT,
    "pullImages" BOOLEAN NOT NULL DEFAULT false,
    "refs" TEXT NOT NULL DEFAULT '[]',
    "services" TEXT NOT NULL DEFAULT '[]',
    "rateLimit" INTEGER NOT NULL DEFAULT 30,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotatedAt" DATETIME,
    "lastCalledAt" DATETIME,
    CONSTRAINT "StackWebhook_stackId_fkey" FOREIGN KEY ("stackId") REFERENCES "Stack" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_StackWebhook" ("createdAt", "createdById", "id", "lastCalledAt", "pullImages", "rotatedAt", "secret", "stackId", "tokenHash") SELECT "createdAt", "createdById", "id", "lastCalledAt", "pullImages", "rotatedAt", "secret", "stackId", "tokenHash" FROM "StackWebhook";
DROP TABLE "StackWebhook";
ALTER TABLE "new_StackWebhook" RENAME TO "StackWebhook";
CREATE UNIQUE INDEX "StackWebhook_tokenHash_key" ON "StackWebhook"("tokenHash");
CREATE INDEX "StackWebhook_stackId_idx" ON "StackWebhook"("stackId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ContainerWebhook_tokenHash_key" ON "ContainerWebhook"("tokenHash");

-- CreateIndex
CREATE INDEX "ContainerWebhook_hostId_container_idx" ON "ContainerWebhook"("hostId", "container");

