import type { TEngineFacts } from '@berth/shared';
import { formatBytes } from '@/lib/format';
import { FactList } from './fact-list';

/** What `docker info` last said, grouped: the engine and the machine under it (what runs on it is in the host's inventory panel). */
export function EngineFacts({ engine }: { engine: TEngineFacts }) {
  return (
    <div className="grid gap-x-8 gap-y-4 md:grid-cols-3">
      <FactList
        facts={[
          { label: 'Docker', value: engine.version, mono: true },
          { label: 'API version', value: engine.apiVersion, mono: true },
          { label: 'Storage driver', value: engine.storageDriver, mono: true },
          { label: 'Swarm', value: engine.swarm, mono: true },
        ]}
      />
      <FactList
        facts={[
          { label: 'OS', value: engine.os },
          { label: 'Kernel', value: engine.kernelVersion, mono: true },
          { label: 'Architecture', value: engine.architecture, mono: true },
          { label: 'Hostname', value: engine.hostname, mono: true },
        ]}
      />
      <FactList
        facts={[
          { label: 'CPUs', value: engine.cpus },
          { label: 'Memory', value: formatBytes(engine.memoryBytes) },
        ]}
      />
    </div>
  );
}
