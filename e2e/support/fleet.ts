import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A setting of the test fleet (scripts/fleet/fleet.sh writes them to fleet.env). */
export function fleetValue(key: string): string {
  const file = process.env.BERTH_FLEET_ENV ?? '/tmp/berth-fleet/fleet.env';
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}=`));
  if (!line) throw new Error(`${file} has no ${key}`);
  return line.slice(key.length + 1);
}

/** Where a spec's screenshot goes: e2e/artifacts/, where CI collects them. */
export function artifactPath(name: string): string {
  return fileURLToPath(new URL(`../artifacts/${name}`, import.meta.url));
}
