-- CreateTable
CREATE TABLE "ServiceWebhook" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "secret" TEXT,
    "pullImage" BOOLEAN NOT NULL DEFAULT true,
    "refs" TEXT NOT NULL DEFAULT '[]',
    "rateLimit" INTEGER NOT NULL DEFAULT 30,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotatedAt" TIMESTAMP(3),
    "lastCalledAt" TIMESTAMP(3),

    CONSTRAINT "ServiceWebhook_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ServiceWebhook_tokenHash_key" ON "ServiceWebhook"("tokenHash");

-- CreateIndex
CREATE INDEX "ServiceWebhook_hostId_service_idx" ON "ServiceWebhook"("hostId", "service");

-- AddForeignKey
ALTER TABLE "ServiceWebhook" ADD CONSTRAINT "ServiceWebhook_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

