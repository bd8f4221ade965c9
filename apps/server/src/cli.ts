import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from './audit/audit-log.js';
import { ConfigError, decodeKey, loadConfig } from './config/config.js';
import { createDb, PrismaService } from './database/prisma.service.js';
import { rotateMasterKey } from './vault/rotate-master-key.js';
import { KEY_FILE, Vault, keyIdOf, loadMasterKey } from './vault/vault.js';

const USAGE = `usage: npm run berth -- <command>
  rotate-key     re-seal stored secrets with a new master key (BERTH_NEW_SECRET_KEY, or a new random one)
  audit-verify   check the audit log's hash chain; exit 1 at the first broken link`;

/** Maintenance commands, run with the same environment as the server (stop the server first for rotate-key). */
async function main(command: string): Promise<number> {
  const config = loadConfig(process.env);
  switch (command) {
    case 'rotate-key': {
      const from = new Vault(loadMasterKey(config.secretKey, config.dataDir));
      const given = process.env.BERTH_NEW_SECRET_KEY;
      const newKey = given ? decodeKey(given) : randomBytes(32);
      const to = new Vault(newKey);
      const db = createDb(config.database);
      try {
        const moved = await rotateMasterKey(db, from, to);
        console.log(
          `re-sealed ${moved.hosts} host, ${moved.registries} registry and ${moved.stacks} stack secret(s) with key ${keyIdOf(newKey)}`,
        );
      } finally {
        await db.$disconnect();
      }
      if (config.secretKey) {
        console.log(
          given
            ? 'now set BERTH_SECRET_KEY to the new key and restart'
            : `now set BERTH_SECRET_KEY=${newKey.toString('hex')} and restart`,
        );
      } else {
        const file = join(config.dataDir, KEY_FILE);
        writeFileSync(`${file}.new`, `${newKey.toString('hex')}\n`, { mode: 0o600 });
        renameSync(`${file}.new`, file);
        console.log(`wrote the new key to ${file}`);
      }
      return 0;
    }
    case 'audit-verify': {
      const prisma = new PrismaService(config);
      try {
        const result = await new AuditLog(prisma).verify();
        console.log(
          result.ok
            ? `audit log intact: ${result.checked} record(s)`
            : `audit log broken at record ${result.brokenAt} (${result.checked} intact before it)`,
        );
        return result.ok ? 0 : 1;
      } finally {
        await prisma.onModuleDestroy();
      }
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv[2] ?? '').then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `berth: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
