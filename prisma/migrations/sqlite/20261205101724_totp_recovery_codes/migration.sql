-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_UserTotp" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "secret" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "lastStep" INTEGER NOT NULL DEFAULT 0,
    "recoveryCodes" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "UserTotp_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_UserTotp" ("createdAt", "enabled", "lastStep", "secret", "userId") SELECT "createdAt", "enabled", "lastStep", "secret", "userId" FROM "UserTotp";
DROP TABLE "UserTotp";
ALTER TABLE "new_UserTotp" RENAME TO "UserTotp";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

