import type { TStackWebhookUrl, TWebhookAnswer } from '@berth/shared';
import type { Logger } from 'pino';
import type { AuditLog, Tx } from '../audit/audit-log.js';
import { AppError } from '../common/app-error.js';
import type { Caller } from '../containers/caller.js';
import type { Vault } from '../vault/vault.js';
import { CoalescedRuns } from './coalesced-runs.js';
import type { WebhookGate } from './webhook-gate.js';
import type { RunJournal, WebhookJobs } from './webhook-jobs.js';
import {
  createdDetails,
  newObjectWebhook,
  type ObjectWebhookOptions,
  type ObjectWebhookRow,
  objectWebhookView,
  webhookChange,
} from './webhook-records.js';
import {
  newWebhookToken,
  sameHash,
  tokenHash,
  type WebhookCall,
  webhookUrl,
} from './webhook-signature.js';

/** A stored webhook of one object, with the object's name whatever its table calls the column. */
export interface StoredObjectWebhook extends ObjectWebhookRow {
  object: string;
  tokenHash: string;
  createdById: string;
}

/** Which webhook of which object a change is about. */
export interface ObjectWebhookKey {
  id: string;
  hostId: string;
  object: string;
}

/** One kind of object webhook's table, in the words `ObjectWebhooks` needs. */
export interface ObjectWebhookTable {
  create(
    tx: Tx,
    hostId: string,
    object: string,
    data: ReturnType<typeof newObjectWebhook>['data'],
  ): Promise<{ id: string }>;
  list(hostId: string, object: string): Promise<StoredObjectWebhook[]>;
  /** How many rows took the new token hash (0 or 1). */
  rotate(tx: Tx, key: ObjectWebhookKey, tokenHash: string): Promise<number>;
  /** How many rows went (0 or 1). */
  remove(tx: Tx, key: ObjectWebhookKey): Promise<number>;
  byTokenHash(tokenHash: string): Promise<StoredObjectWebhook | null>;
  called(id: string): Promise<void>;
}

/** The parts every object webhook service is made of. */
export interface ObjectWebhookParts {
  audit: AuditLog;
  gate: WebhookGate;
  jobs: WebhookJobs;
  log: Logger;
}

/** One run of an object webhook, as a job any replica can take. */
interface ObjectRun {
  webhook: { id: string; createdById: string };
  hostId: string;
  object: string;
  pullImage: boolean;
  facts: Caller['facts'];
}

/**
 * Webhooks of single objects on a host (a container, a swarm service), kept by host and object
 * name: create, list, rotate and revoke, each audited; a call goes through the shared gate (rate,
 * signature, branch or tag), then `run` acts on the object as the webhook's creator. Calls while
 * a run goes on add at most one more run after it: in this process (`CoalescedRuns`), or with
 * REDIS_URL across replicas (`WebhookJobs`, which rebuilds the creator's caller where it runs).
 */
export abstract class ObjectWebhooks<Kind extends 'container' | 'service'> {
  private readonly runs = new CoalescedRuns();

  protected constructor(
    /** The object's kind: the audit actions' prefix and the answers' field naming the object. */
    private readonly kind: Kind,
    private readonly table: ObjectWebhookTable,
    private readonly vault: Vault,
    private readonly parts: ObjectWebhookParts,
  ) {
    parts.jobs.handle<ObjectRun>(kind, {
      run: async (run, _runId, journal) => {
        const caller = await parts.gate.callerOf(run.webhook, run.facts);
        if (!caller) {
          parts.log.warn(
            { [kind]: run.object },
            `webhook ${kind} run skipped: its creator is gone`,
          );
          return;
        }
        await this.runAs(caller, run, journal);
      },
    });
  }

  /** The object's name for `ref`, once the caller is found allowed to manage its webhooks. */
  protected abstract objectName(caller: Caller, hostId: string, ref: string): Promise<string>;

  /**
   * What a call does to the object; its failures are audited by the action itself. A run that
   * may be an attempt again of the same call (a BullMQ job taken over from a stopped replica) has
   * a `journal`: what an earlier attempt wrote before it changed anything, so it can tell work
   * already done, or half-done, from work to do.
   */
  protected abstract run(
    caller: Caller,
    hostId: string,
    object: string,
    pullImage: boolean,
    journal?: RunJournal,
  ): Promise<unknown>;

  async create(
    caller: Caller,
    hostId: string,
    ref: string,
    body: ObjectWebhookOptions,
    base: string,
  ): Promise<TStackWebhookUrl> {
    const object = await this.objectName(caller, hostId, ref);
    const { token, data } = newObjectWebhook(this.vault, body, caller.principal.user.id);
    const row = await this.parts.audit.change(async (tx) => {
      const created = await this.table.create(tx, hostId, object, data);
      const details = createdDetails(created.id, body);
      return {
        result: created,
        entry: webhookChange(caller, `${this.kind}.webhook.create`, hostId, object, details),
      };
    });
    return { id: row.id, url: webhookUrl(base, token) };
  }

  async list(caller: Caller, hostId: string, ref: string) {
    const object = await this.objectName(caller, hostId, ref);
    const rows = await this.table.list(hostId, object);
    return {
      items: rows.map((row) => ({ ...objectWebhookView(row), ...this.naming(row.object) })),
    };
  }

  async rotate(
    caller: Caller,
    hostId: string,
    ref: string,
    webhookId: string,
    base: string,
  ): Promise<TStackWebhookUrl> {
    const object = await this.objectName(caller, hostId, ref);
    const token = newWebhookToken();
    await this.parts.audit.change(async (tx) => {
      const key = { id: webhookId, hostId, object };
      if ((await this.table.rotate(tx, key, tokenHash(token))) === 0) {
        throw AppError.notFound('webhook');
      }
      const entry = webhookChange(caller, `${this.kind}.webhook.rotate`, hostId, object, {
        webhookId,
      });
      return { result: undefined, entry };
    });
    return { id: webhookId, url: webhookUrl(base, token) };
  }

  async revoke(caller: Caller, hostId: string, ref: string, webhookId: string): Promise<void> {
    const object = await this.objectName(caller, hostId, ref);
    await this.parts.audit.change(async (tx) => {
      if ((await this.table.remove(tx, { id: webhookId, hostId, object })) === 0) {
        throw AppError.notFound('webhook');
      }
      const entry = webhookChange(caller, `${this.kind}.webhook.revoke`, hostId, object, {
        webhookId,
      });
      return { result: undefined, entry };
    });
  }

  /**
   * A call of a webhook's URL: undefined when the token is none of this kind's, 429 past its
   * rate, 401 for a bad or missing signature, skipped when it names no accepted tag, else the run
   * it started or queued.
   */
  async trigger(call: WebhookCall): Promise<TWebhookAnswer | undefined> {
    const hash = tokenHash(call.token);
    const webhook = await this.table.byTokenHash(hash);
    if (!webhook || !sameHash(webhook.tokenHash, hash)) return undefined;
    const { caller, signature, skipped, record } = await this.parts.gate.admit(webhook, call, {
      action: `${this.kind}.webhook.trigger`,
      hostId: webhook.hostId,
      target: webhook.object,
    });
    if (skipped) {
      await record('success', { signature, skipped });
      return { status: 'skipped', reason: skipped };
    }
    await this.table.called(webhook.id);
    const key = `${this.kind}:${webhook.hostId}/${webhook.object}`;
    const run: ObjectRun = {
      webhook: { id: webhook.id, createdById: webhook.createdById },
      hostId: webhook.hostId,
      object: webhook.object,
      pullImage: webhook.pullImage,
      facts: call.facts,
    };
    let status: TWebhookAnswer['status'];
    try {
      status = this.parts.jobs.shared
        ? (await this.parts.jobs.trigger(this.kind, key, run)).status
        : this.runs.start(key, () => this.runAs(caller, run));
    } catch (error) {
      await record('failure', {
        signature,
        error: error instanceof AppError ? error.code : 'INTERNAL',
      });
      throw error;
    }
    await record('success', { signature, status });
    const named =
      this.kind === 'container' ? { container: webhook.object } : { service: webhook.object };
    return { ...named, status };
  }

  /** Runs the webhook's action; its failures are audited by the action and logged here. */
  private async runAs(caller: Caller, run: ObjectRun, journal?: RunJournal): Promise<void> {
    try {
      await this.run(caller, run.hostId, run.object, run.pullImage, journal);
    } catch (error) {
      this.parts.log.warn(
        { err: error, [this.kind]: run.object },
        `webhook ${this.kind} run failed`,
      );
    }
  }

  /** `{container: name}` or `{service: name}`, as the answers name the object. */
  private naming(object: string): Record<Kind, string> {
    return { [this.kind]: object } as Record<Kind, string>;
  }
}
