import { describe, expect, it } from '@jest/globals';
import { BERTH_LABELS } from '@berth/shared';
import {
  isBuiltInNetwork,
  ownerLabels,
  recordOwnerLabels,
  soleTeam,
  stampOwner,
  withinReach,
} from './ownership.js';

describe('isBuiltInNetwork', () => {
  it.each(['bridge', 'host', 'none', 'default', ''])('%j is no one’s network', (name) => {
    expect(isBuiltInNetwork(name)).toBe(true);
  });

  it.each(['app-net', 'Bridge', 'bridge2', 'host ', 'container:web'])(
    '%j is a network object someone owns',
    (name) => {
      expect(isBuiltInNetwork(name)).toBe(false);
    },
  );
});

describe('ownerLabels', () => {
  it('stamps the user and their team when they are in exactly one', () => {
    expect(ownerLabels('u1', ['t1'])).toEqual({
      [BERTH_LABELS.owner]: 'u1',
      [BERTH_LABELS.team]: 't1',
    });
    expect(soleTeam(['t1'])).toBe('t1');
  });

  it('stamps the user alone with no team or several (which one would be a guess)', () => {
    expect(ownerLabels('u1', [])).toEqual({ [BERTH_LABELS.owner]: 'u1' });
    expect(ownerLabels('u1', ['t1', 't2'])).toEqual({ [BERTH_LABELS.owner]: 'u1' });
    expect(soleTeam([])).toBeNull();
    expect(soleTeam(['t1', 't2'])).toBeNull();
  });
});

describe('recordOwnerLabels', () => {
  it('labels a stored record as its creator and their team', () => {
    expect(recordOwnerLabels('u1', 't1')).toEqual(ownerLabels('u1', ['t1']));
    expect(recordOwnerLabels('u1', null)).toEqual({ [BERTH_LABELS.owner]: 'u1' });
  });

  it('gives a record with no known creator no owner, so owner-limited grants miss it', () => {
    expect(recordOwnerLabels(null, 't1')).toEqual({});
    expect(withinReach(recordOwnerLabels(null, 't1'), 'owned', 'u1', ['t1'])).toBe(false);
  });
});

describe('stampOwner', () => {
  it('replaces owner labels a compose file claims with the real owner, keeping the rest', () => {
    const claimed = {
      [BERTH_LABELS.owner]: 'someone-else',
      [BERTH_LABELS.team]: 'their-team',
      tier: 'front',
    };
    expect(stampOwner(claimed, ownerLabels('u1', []))).toEqual({
      [BERTH_LABELS.owner]: 'u1',
      tier: 'front',
    });
    expect(stampOwner(undefined, ownerLabels('u1', ['t1']))).toEqual(ownerLabels('u1', ['t1']));
  });
});

describe('withinReach', () => {
  const mine = { [BERTH_LABELS.owner]: 'u1' };
  const teams = { [BERTH_LABELS.owner]: 'u2', [BERTH_LABELS.team]: 't1' };
  const others = { [BERTH_LABELS.owner]: 'u2', [BERTH_LABELS.team]: 't9' };

  it('reaches everything with an unlimited grant, labelled or not', () => {
    for (const labels of [mine, teams, others, {}]) {
      expect(withinReach(labels, 'all', 'u1', [])).toBe(true);
    }
  });

  it('reaches only what the user or one of their teams owns with an owner-limited grant', () => {
    expect(withinReach(mine, 'owned', 'u1', [])).toBe(true);
    expect(withinReach(teams, 'owned', 'u1', ['t1'])).toBe(true);
    expect(withinReach(teams, 'owned', 'u1', [])).toBe(false);
    expect(withinReach(others, 'owned', 'u1', ['t1'])).toBe(false);
    expect(withinReach({}, 'owned', 'u1', ['t1'])).toBe(false);
  });

  it('does not take a label value that merely contains the id', () => {
    expect(withinReach({ [BERTH_LABELS.owner]: 'u10' }, 'owned', 'u1', [])).toBe(false);
    expect(withinReach({ [BERTH_LABELS.team]: 't1,t2' }, 'owned', 'u1', ['t1'])).toBe(false);
  });
});
