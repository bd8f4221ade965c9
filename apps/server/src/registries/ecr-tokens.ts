import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppError } from '../common/app-error.js';
import { CONFIG, type Config } from '../config/config.js';

/** A password is exchanged again when it has less than this left (ECR's last 12 hours). */
export const ECR_REFRESH_MARGIN_MS = 5 * 60_000;

export interface EcrKey {
  registryId: string;
  /** Changes when the stored key does, so an edited registry never gets the old key's password. */
  version: number;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

interface EcrLogin {
  username: string;
  password: string;
  expiresAt: number;
}

/**
 * Turns a stored ECR access key pair into the registry login ECR hands out
 * (`GetAuthorizationToken` through the AWS SDK), kept until shortly before it expires. Concurrent
 * callers share one exchange.
 */
@Injectable()
export class EcrTokens {
  private readonly logins = new LRUCache<string, Promise<EcrLogin>>({ max: 500 });

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  async login(key: EcrKey): Promise<{ username: string; password: string }> {
    const cacheKey = `${key.registryId}:${key.version}`;
    let pending = this.logins.get(cacheKey);
    if (pending) {
      const login = await pending.catch(() => null);
      if (!login || login.expiresAt - Date.now() < ECR_REFRESH_MARGIN_MS) pending = undefined;
    }
    if (!pending) {
      pending = this.exchange(key);
      this.logins.set(cacheKey, pending);
      pending.catch(() => this.logins.delete(cacheKey));
    }
    const { username, password } = await pending;
    return { username, password };
  }

  private async exchange(key: EcrKey): Promise<EcrLogin> {
    const client = new ECRClient({
      region: key.region,
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      ...(this.config.ecrEndpoint ? { endpoint: this.config.ecrEndpoint } : {}),
      maxAttempts: 2,
    });
    try {
      const answer = await client.send(new GetAuthorizationTokenCommand({}));
      const data = answer.authorizationData?.[0];
      const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 1) throw new Error('ECR answered no authorization token');
      return {
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
        expiresAt: data?.expiresAt?.getTime() ?? Date.now() + ECR_REFRESH_MARGIN_MS,
      };
    } catch (error) {
      // The SDK's message is AWS's reason (an unknown key, a signature that does not match); it
      // never repeats the secret key.
      throw new AppError(
        'REGISTRY_ERROR',
        `ECR refused the key: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      client.destroy();
    }
  }
}
