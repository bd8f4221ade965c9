import type { Db } from '../database/prisma.service.js';
import type { Vault } from './vault.js';

/**
 * Re-seals every stored secret (host TLS/SSH material, registry passwords, stack variables) from one master key to
 * another in one transaction: either all rows move to the new key or none does.
 */
export async function rotateMasterKey(
  db: Db,
  from: Vault,
  to: Vault,
): Promise<{ hosts: number; registries: number; stacks: number }> {
  return db.$transaction(async (tx) => {
    const hosts = await tx.host.findMany({
      where: { secret: { not: null } },
      select: { id: true, secret: true },
    });
    for (const host of hosts) {
      await tx.host.update({
        where: { id: host.id },
        data: { secret: to.seal(from.open(host.secret ?? '')) },
      });
    }
    const registries = await tx.registry.findMany({
      where: { secret: { not: null } },
      select: { id: true, secret: true },
    });
    for (const registry of registries) {
      await tx.registry.update({
        where: { id: registry.id },
        data: { secret: to.seal(from.open(registry.secret ?? '')) },
      });
    }
    const stacks = await tx.stack.findMany({
      where: { env: { not: '' } },
      select: { id: true, env: true },
    });
    for (const stack of stacks) {
      await tx.stack.update({
        where: { id: stack.id },
        data: { env: to.seal(from.open(stack.env)) },
      });
    }
    return { hosts: hosts.length, registries: registries.length, stacks: stacks.length };
  });
}
