import { Injectable } from '@nestjs/common';
import { parseImageReference, type TContainerUpdate } from '@berth/shared';
import type { PrincipalUser } from '../auth/principal.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import { repositoryOfImage } from '../registries/registry-address.js';
import { RegistryClient, RegistryError } from '../registries/registry-client.js';
import { RegistryCredentialsService } from '../registries/registry-credentials.js';
import { ComparisonError, compareWithRegistry, type LocalImage } from './registry-comparison.js';

/** A running container to check: its id and name. */
export interface CheckedContainer {
  id: string;
  name: string;
}

type Outcome = Pick<TContainerUpdate, 'status' | 'message' | 'localDigest' | 'remoteDigest'>;

/**
 * One check round: containers on the same host running the same image from the same reference
 * get one answer, so a registry is asked once per image and not once per container.
 */
export type CheckRound = Map<string, Promise<Outcome>>;

/**
 * Checks a running container's image against its registry with the stored login `user` may use
 * on the host. Every failure becomes a status with its reason (`error`, or `unknown` for an image
 * with no registry digest); nothing here throws for a registry's or an image's sake.
 */
@Injectable()
export class UpdateChecker {
  constructor(private readonly credentials: RegistryCredentialsService) {}

  async check(
    engine: RegisteredEngine,
    container: CheckedContainer,
    user: PrincipalUser,
    round: CheckRound,
  ): Promise<TContainerUpdate> {
    const base = { hostId: engine.hostId, containerId: container.id, checkedAt: '' };
    let image = '';
    let imageId = '';
    let outcome: Outcome;
    try {
      const inspect = await engine.client.inspectContainer(container.id);
      image = inspect.Config?.Image ?? '';
      imageId = inspect.Image;
      const key = `${imageId} ${image}`;
      let pending = round.get(key);
      if (!pending) {
        pending = this.compare(engine, image, imageId, user);
        round.set(key, pending);
      }
      outcome = await pending;
    } catch (error) {
      outcome = failed(`the engine could not be asked: ${(error as Error).message}`);
    }
    return {
      ...base,
      containerName: container.name,
      image,
      imageId,
      ...outcome,
      checkedAt: new Date().toISOString(),
    };
  }

  private async compare(
    engine: RegisteredEngine,
    image: string,
    imageId: string,
    user: PrincipalUser,
  ): Promise<Outcome> {
    const parsed = parseImageReference(image);
    if (!parsed.ok || image.startsWith('sha256:')) {
      return unknown('the container names its image by id, not by a registry tag');
    }
    if (parsed.reference.digest) return unknown('the container names its image by digest');
    const repository = repositoryOfImage(image);
    if (!repository) return unknown('the image reference names no registry');
    const local = await engine.client.inspectImage(imageId);
    const digests = (local.RepoDigests ?? [])
      .map((entry) => entry.split('@'))
      .filter(([name, digest]) => {
        const of = name ? repositoryOfImage(name) : null;
        return digest && of?.host === repository.host && of.path === repository.path;
      })
      .map(([, digest]) => digest!);
    if (digests.length === 0) {
      return unknown('the image has no registry digest (built or loaded on the host)');
    }
    const localDigest = digests[0]!;
    const target = await this.credentials.endpointFor(image, user, engine.hostId);
    if (!target) return unknown('the image reference names no registry');
    const client = new RegistryClient(target.endpoint);
    try {
      const comparison = await compareWithRegistry(
        client,
        target.repository,
        parsed.reference.tag ?? 'latest',
        { id: imageId, digests, platform: platformOf(local) },
      );
      return {
        status: comparison.updateAvailable ? 'update_available' : 'up_to_date',
        message: comparison.message,
        localDigest,
        remoteDigest: comparison.remoteDigest,
      };
    } catch (error) {
      if (error instanceof RegistryError || error instanceof ComparisonError) {
        return { ...failed(error.message), localDigest };
      }
      throw error;
    } finally {
      await client.close();
    }
  }
}

function platformOf(image: {
  Os: string;
  Architecture: string;
  Variant?: string | undefined;
}): LocalImage['platform'] {
  return { os: image.Os, architecture: image.Architecture, variant: image.Variant };
}

function unknown(message: string): Outcome {
  return { status: 'unknown', message, localDigest: null, remoteDigest: null };
}

function failed(message: string): Outcome {
  return { status: 'error', message, localDigest: null, remoteDigest: null };
}
