-- CreateTable
CREATE TABLE "StackWebhook" (
    "id" TEXT NOT NULL,
    "stackId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "secret" TEXT,
    "pullImages" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotatedAt" TIMESTAMP(3),
    "lastCalledAt" TIMESTAMP(3),

    CONSTRAINT "StackWebhook_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StackWebhook_tokenHash_key" ON "StackWebhook"("tokenHash");

-- CreateIndex
CREATE INDEX "StackWebhook_stackId_idx" ON "StackWebhook"("stackId");

-- AddForeignKey
ALTER TABLE "StackWebhook" ADD CONSTRAINT "StackWebhook_stackId_fkey" FOREIGN KEY ("stackId") REFERENCES "Stack"("id") ON DELETE CASCADE ON UPDATE CASCADE;

