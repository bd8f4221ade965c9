import type { TEngineFacts } from '@berth/shared';
import { formatBytes } from '@/lib/format';
import { ContainerCounts } from './container-counts';
import { FactList } from './fact-list';

/** What `docker info` last said about the engine. */
export function EngineFacts({ engine }: { engine: TEngineFacts }) {
  return (
    <FactList
      facts={[
        { label: 'Docker version', value: engine.version, mono: true },
        { label: 'API version', value: engine.apiVersion, mono: true },
        { label: 'Operating system', value: engine.os },
        { label: 'Kernel', value: engine.kernelVersion, mono: true },
        { label: 'Architecture', value: engine.architecture, mono: true },
        { label: 'Engine hostname', value: engine.hostname, mono: true },
        { label: 'Storage driver', value: engine.storageDriver, mono: true },
        { label: 'CPUs', value: engine.cpus },
        { label: 'Memory', value: formatBytes(engine.memoryBytes) },
        { label: 'Containers', value: <ContainerCounts containers={engine.containers} /> },
        { label: 'Images', value: engine.images },
        { label: 'Swarm', value: engine.swarm, mono: true },
      ]}
    />
  );
}
