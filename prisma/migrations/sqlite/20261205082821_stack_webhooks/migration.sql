-- CreateTable
CREATE TABLE "StackWebhook" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "stackId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "secret" TEXT,
    "pullImages" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotatedAt" DATETIME,
    "lastCalledAt" DATETIME,
    CONSTRAINT "StackWebhook_stackId_fkey" FOREIGN KEY ("stackId") REFERENCES "Stack" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "StackWebhook_tokenHash_key" ON "StackWebhook"("tokenHash");

-- CreateIndex
CREATE INDEX "StackWebhook_stackId_idx" ON "StackWebhook"("stackId");

