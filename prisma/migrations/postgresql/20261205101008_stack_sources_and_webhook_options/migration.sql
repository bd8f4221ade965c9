-- AlterTable
ALTER TABLE "Stack" ADD COLUMN     "gitAuth" TEXT,
ADD COLUMN     "gitCommit" TEXT,
ADD COLUMN     "gitPath" TEXT,
ADD COLUMN     "gitPollSeconds" INTEGER,
ADD COLUMN     "gitRef" TEXT,
ADD COLUMN     "gitUrl" TEXT,
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'editor';

-- AlterTable
ALTER TABLE "StackWebhook" ADD COLUMN     "rateLimit" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "refs" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "services" TEXT NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "StackDeployment" ADD COLUMN     "commit" TEXT;

-- CreateTable
CREATE TABLE "ContainerWebhook" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "container" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "secret" TEXT,
    "pullImage" BOOLEAN NOT NULL DEFAULT true,
    "refs" TEXT NOT NULL DEFAULT '[]',
    "rateLimit" INTEGER NOT NULL DEFAULT 30,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotatedAt" TIMESTAMP(3),
    "lastCalledAt" TIMESTAMP(3),

    CONSTRAINT "ContainerWebhook_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ContainerWebhook_tokenHash_key" ON "ContainerWebhook"("tokenHash");

-- CreateIndex
CREATE INDEX "ContainerWebhook_hostId_container_idx" ON "ContainerWebhook"("hostId", "container");

-- AddForeignKey
ALTER TABLE "ContainerWebhook" ADD CONSTRAINT "ContainerWebhook_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

