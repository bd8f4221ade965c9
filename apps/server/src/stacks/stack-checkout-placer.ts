import type { Readable } from 'node:stream';
import {
  CHECKOUT_LABEL,
  COMPOSE_LABEL,
  type CheckoutFile,
  type ComposeProject,
} from '@berth/compose';
import tar from 'tar-stream';
import type { EngineClient } from '../docker/engine-client.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { putArchive, VolumeBrowser } from '../volumes/volume-browser.js';
import type { StackFiles } from './stack-checkout.js';

/**
 * Puts a stack's repository files where its containers see them, on any host (the engine may be
 * remote; the files are on Berth's side): a folder bound by a service goes into a volume of its
 * own, named after the folder's content (filled through a helper container, never started), and
 * a bound file, secret or config is written into each new container of the service before it
 * starts, as a single file cannot be a volume mount on engines before API 1.45 (no volume
 * subpaths).
 */
export class StackCheckoutPlacer {
  constructor(
    private readonly volumes: VolumeBrowser,
    private readonly engineTimeoutMs: number,
  ) {}

  /** Fills the new volume of a folder of the checkout (`.` for its root). */
  async fill(engine: RegisteredEngine, files: StackFiles, volume: string, folder: string) {
    await this.volumes.write(engine, volume, () => files.folder(folder === '.' ? '' : folder));
  }

  /** Writes the checkout files of a service into its new, not yet started container. */
  async place(
    engine: RegisteredEngine,
    files: StackFiles,
    container: string,
    placed: CheckoutFile[],
  ): Promise<void> {
    const contents = await Promise.all(placed.map((file) => files.file(file.path)));
    const pack = tar.pack();
    placed.forEach((file, i) => {
      // The engine keeps an entry's owner (root when unset) when it unpacks the archive.
      pack.entry(
        {
          name: file.target.replace(/^\/+/, ''),
          mode: file.mode,
          ...(file.uid !== undefined ? { uid: file.uid } : {}),
          ...(file.gid !== undefined ? { gid: file.gid } : {}),
        },
        contents[i]!,
      );
    });
    pack.finalize();
    const archive = pack as unknown as Readable;
    await putArchive(engine, container, '/', archive, this.engineTimeoutMs);
  }
}

/** The checkout files of each service that has some. */
export function checkoutFilesOf(project: ComposeProject): Record<string, CheckoutFile[]> {
  return Object.fromEntries(
    Object.values(project.services)
      .filter((s) => (s.checkoutFiles ?? []).length > 0)
      .map((s) => [s.name, s.checkoutFiles ?? []]),
  );
}

/**
 * After a deploy, the project's checkout volumes that hold no folder of the deployed commit are
 * removed; one a container still uses (a service left as it ran) stays until a later deploy.
 */
export async function removeOldCheckouts(
  client: EngineClient,
  project: ComposeProject,
): Promise<void> {
  try {
    const current = new Set(Object.values(project.volumes).map((v) => v.name));
    const old = (await client.listVolumes()).filter(
      (v) =>
        v.Labels?.[COMPOSE_LABEL.project] === project.name &&
        v.Labels[CHECKOUT_LABEL] !== undefined &&
        !current.has(v.Name),
    );
    for (const volume of old) {
      await client.removeVolume(volume.Name).catch(() => {
        // In use by a container left as it ran: removed after a later deploy.
      });
    }
  } catch {
    // The deploy worked; old checkouts are looked at again after the next one.
  }
}
