import { Injectable } from '@nestjs/common';
import type { Caller } from '../containers/caller.js';
import { authConfigOf, encodeAuthHeader } from '../registries/registry-auth-header.js';
import { RegistryCredentialsService } from '../registries/registry-credentials.js';

/**
 * The `X-Registry-Auth` a service's image gets: the stored registry login the caller may use on
 * the host, so every node can pull a private image (`docker service create --with-registry-auth`).
 */
@Injectable()
export class ServiceRegistryAuth {
  constructor(private readonly credentials: RegistryCredentialsService) {}

  async headerFor(caller: Caller, hostId: string, image: string): Promise<string | undefined> {
    const login = await this.credentials.forImage(image, caller.principal.user, hostId);
    return login ? encodeAuthHeader(authConfigOf(login)) : undefined;
  }
}
