'use client';

import { SwarmCluster } from './swarm-cluster';
import { SwarmSection } from './swarm-section';

/** `/swarm`: a manager host's cluster facts, join tokens and nodes. */
export function SwarmView({ hostId }: { hostId: string }) {
  return (
    <SwarmSection
      hostId={hostId}
      description="The swarm of each manager host: its nodes, and the tokens other engines join with."
    >
      {(host) => <SwarmCluster key={host.hostId} host={host} />}
    </SwarmSection>
  );
}
