export { type ComposeIssue } from './compose-issue.js';
export {
  loadProject,
  type ComposeSource,
  type LoadOptions,
  type LoadResult,
} from './load-project.js';
export type * from './model.js';
export {
  CHECKOUT_LABEL,
  checkoutVolumeKey,
  containerName,
  serviceImage,
  type CheckoutFiles,
  type ProjectFiles,
} from './normalize.js';
export { parseDotEnv, DotEnvError } from './dotenv.js';
export { substitute, InterpolationError, type VariableLookup } from './interpolation.js';
export { parseBytes, parseDuration } from './units.js';
export { serviceConfigHash, canonicalJson } from './service-hash.js';
export {
  containerCreatePlan,
  COMPOSE_LABEL,
  type ContainerCreateBody,
  type ContainerCreateOptions,
  type ContainerCreatePlan,
  type EndpointSettings,
  type HostConfig,
  type Mount,
} from './container-create.js';
export {
  planUp,
  planDown,
  dependencyOrder,
  resourceLabels,
  type ComposePlan,
  type ObservedContainer,
  type ObservedProject,
  type PlanOptions,
  type PlanStep,
  type RecreateReason,
} from './plan.js';
export {
  composeFromContainers,
  type ComposeFromContainers,
  type ComposeFromContainersOptions,
  type ContainerInspectInput,
  type ContainerSource,
  type ImageDefaults,
} from './compose-from-containers.js';
export { containerDifferences, type MatchedInspect } from './container-match.js';
export {
  loadSwarmProject,
  type SwarmDeploy,
  type SwarmFileObject,
  type SwarmLoadResult,
  type SwarmProject,
  type SwarmUpdateSettings,
} from './swarm-project.js';
