-- CreateTable
CREATE TABLE "Stack" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "compose" TEXT NOT NULL,
    "env" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'deploying',
    "createdById" TEXT,
    "ownerTeamId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Stack_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StackDeployment" (
    "id" TEXT NOT NULL,
    "stackId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "trigger" TEXT NOT NULL,
    "triggeredBy" TEXT,
    "plan" TEXT,
    "failedStep" TEXT,
    "output" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "StackDeployment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Stack_hostId_name_key" ON "Stack"("hostId", "name");

-- CreateIndex
CREATE INDEX "StackDeployment_stackId_createdAt_idx" ON "StackDeployment"("stackId", "createdAt");

-- AddForeignKey
ALTER TABLE "Stack" ADD CONSTRAINT "Stack_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StackDeployment" ADD CONSTRAINT "StackDeployment_stackId_fkey" FOREIGN KEY ("stackId") REFERENCES "Stack"("id") ON DELETE CASCADE ON UPDATE CASCADE;

