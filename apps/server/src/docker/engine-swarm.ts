import type Docker from 'dockerode';

/** `GET /nodes` and `/nodes/{id}`, as far as Berth reads them (dockerode leaves nodes untyped). */
export interface EngineNode {
  ID: string;
  Version?: { Index?: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: {
    Name?: string;
    Labels?: Record<string, string>;
    Role?: 'manager' | 'worker';
    Availability?: 'active' | 'pause' | 'drain';
  };
  Description?: {
    Hostname?: string;
    Platform?: { Architecture?: string; OS?: string };
    Resources?: { NanoCPUs?: number; MemoryBytes?: number };
    Engine?: { EngineVersion?: string };
  };
  Status?: { State?: string; Message?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string };
}

/** `GET /tasks`, as far as Berth reads them (dockerode leaves tasks untyped). */
export interface EngineTask {
  ID: string;
  Version?: { Index?: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  Spec?: Docker.ContainerTaskSpec;
  DesiredState?: string;
  Status?: {
    Timestamp?: string;
    State?: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; PID?: number; ExitCode?: number };
  };
}

/** `GET /swarm`: the cluster with its join tokens (a manager answers it, nobody else). */
export type EngineSwarm = Docker.Swarm;
/** `GET /services/{id}`. */
export type EngineService = Docker.Service;
/** The spec a service is created or updated with. */
export type EngineServiceSpec = Docker.ServiceSpec;
