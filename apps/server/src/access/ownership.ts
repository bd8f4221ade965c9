import { BERTH_LABELS } from '@berth/shared';
import { engineError } from '../containers/engine-error.js';
import type { RegisteredEngine } from '../hosts/engine-registry.js';
import type { Reach } from './host-access.js';

/**
 * Ownership for owner-limited grants (the Standard role), one rule for the REST API, the socket
 * feeds and the Engine API gateway: what a user creates carries their owner labels, and such a
 * grant reaches only containers, networks and volumes labelled with the user or one of their teams.
 */

/** Whose resources a caller with owner-limited grants reaches: their own and their teams'. */
export interface Owner {
  userId: string;
  teamIds: readonly string[];
}

/**
 * Network names that are no network object of anyone's: the engine's own (`bridge`, `host`,
 * `none`), `default` (the engine's default mode) and `''` (a NetworkMode left unset). Everyone
 * may use them; nobody owns them.
 */
const BUILT_IN_NETWORKS: ReadonlySet<string> = new Set(['', 'default', 'bridge', 'host', 'none']);

export function isBuiltInNetwork(name: string): boolean {
  return BUILT_IN_NETWORKS.has(name);
}

/** The team what a user creates belongs to: their team when they are in exactly one. */
export function soleTeam(teamIds: readonly string[]): string | null {
  // With several, which one owns it would be a guess.
  return teamIds.length === 1 ? (teamIds[0] ?? null) : null;
}

/** The owner labels Berth stamps on what a user creates: the user, and their sole team. */
export function ownerLabels(userId: string, teamIds: readonly string[]): Record<string, string> {
  const team = soleTeam(teamIds);
  return team === null
    ? { [BERTH_LABELS.owner]: userId }
    : { [BERTH_LABELS.owner]: userId, [BERTH_LABELS.team]: team };
}

/**
 * The owner labels of a record that stores its creator and their team (a stack): none when the
 * creator is unknown, so only a caller reaching all of the host reaches it.
 */
export function recordOwnerLabels(
  userId: string | null,
  teamId: string | null,
): Record<string, string> {
  if (userId === null) return {};
  return ownerLabels(userId, teamId === null ? [] : [teamId]);
}

/** `labels` with the owner labels replaced by `owner`'s: nobody labels a thing as another's. */
export function stampOwner(
  labels: Record<string, string> | undefined,
  owner: Record<string, string>,
): Record<string, string> {
  const { [BERTH_LABELS.owner]: _owner, [BERTH_LABELS.team]: _team, ...rest } = labels ?? {};
  return { ...rest, ...owner };
}

/** Whether an object with these labels is within reach: all, or owned by the user or a team. */
export function withinReach(
  labels: Record<string, string>,
  reach: Reach,
  userId: string,
  teamIds: readonly string[],
): boolean {
  if (reach === 'all') return true;
  const owner = labels[BERTH_LABELS.owner];
  const team = labels[BERTH_LABELS.team];
  return owner === userId || (team !== undefined && teamIds.includes(team));
}

/**
 * Creates a named volume a new container would make on the way, with the owner's labels: the
 * engine would make it unlabelled, and so hidden from the one who asked for it.
 */
export async function createOwnedVolume(
  engine: RegisteredEngine,
  name: string,
  owner: Owner,
): Promise<void> {
  try {
    await engine.client.createVolume({
      Name: name,
      Labels: ownerLabels(owner.userId, owner.teamIds),
    });
  } catch (error) {
    throw engineError(error, 'volume', engine.name);
  }
}
