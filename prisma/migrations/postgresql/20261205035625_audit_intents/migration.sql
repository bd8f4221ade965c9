-- CreateTable
CREATE TABLE "AuditIntent" (
    "id" TEXT NOT NULL,
    "entry" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heldAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "replica" TEXT NOT NULL,
    "process" TEXT NOT NULL,

    CONSTRAINT "AuditIntent_pkey" PRIMARY KEY ("id")
);

