import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TFleetSummary } from '@berth/shared';
import type { Principal } from '../auth/principal.js';
import { FleetSummaryService } from '../inventory/fleet-summary.service.js';

/** The fleet summary for one dashboard: now, then again whenever it differs (at most twice a second). */
@Injectable()
export class SummaryFeed {
  constructor(private readonly fleet: FleetSummaryService) {}

  async subscribe(
    principal: Principal,
    deliver: (summary: TFleetSummary) => void,
  ): Promise<{ summary: TFleetSummary; leave: () => void }> {
    const summary = await this.fleet.sharedSummary(principal.user);
    let last = fingerprint(summary);
    let open = true;
    const stop = this.fleet.onChange(() => {
      this.fleet.sharedSummary(principal.user).then(
        (next) => {
          const print = fingerprint(next);
          if (!open || print === last) return;
          last = print;
          deliver(next);
        },
        // The database is unavailable: the next change brings the summary up to date.
        () => undefined,
      );
    });
    return {
      summary,
      leave: () => {
        open = false;
        stop();
      },
    };
  }
}

/** Fingerprints of the summaries handed to several dashboards at once, taken once for all of them. */
const prints = new WeakMap<TFleetSummary, string>();

/** A digest, not the JSON itself: each dashboard keeps one, and the JSON grows with the fleet. */
function fingerprint(summary: TFleetSummary): string {
  let print = prints.get(summary);
  if (print === undefined) {
    const { at: _at, ...rest } = summary;
    print = createHash('sha1').update(JSON.stringify(rest)).digest('base64');
    prints.set(summary, print);
  }
  return print;
}
