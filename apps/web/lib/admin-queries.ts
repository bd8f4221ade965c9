import {
  ZAuditPage,
  ZAuditVerifyResult,
  ZGrant,
  ZHostPolicy,
  ZPermissionInfo,
  ZRole,
  ZTeam,
  ZUserAccount,
  type TAuditFilter,
  type TCreateGrantRequest,
  type TCreateRoleRequest,
  type TCreateTeamRequest,
  type TCreateUserRequest,
  type THostPolicy,
  type TRole,
  type TUpdateRoleRequest,
  type TUpdateUserRequest,
} from '@berth/shared';
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { auditSearchParams } from './admin-audit';
import { api } from './api';

/*
 * Everything the admin area reads sits under one key prefix: every admin change can touch more
 * than its own list (a deleted user leaves teams and grants, a renamed role renames grants, and
 * every change adds an audit record), so a change marks the whole area stale.
 */
export const adminKeys = {
  all: ['admin'] as const,
  users: ['admin', 'users'] as const,
  teams: ['admin', 'teams'] as const,
  roles: ['admin', 'roles'] as const,
  permissions: ['admin', 'permissions'] as const,
  grants: (hostId: string | null) => ['admin', 'grants', hostId ?? '*'] as const,
  policy: (hostId: string) => ['admin', 'policy', hostId] as const,
  audit: (filter: TAuditFilter, limit: number) => ['admin', 'audit', filter, limit] as const,
};

const ZUserList = ZUserAccount.array();
const ZTeamList = ZTeam.array();
const ZRoleList = ZRole.array();
const ZPermissionList = ZPermissionInfo.array();
const ZGrantList = ZGrant.array();

const segment = encodeURIComponent;
const AUDIT_PAGE_SIZE = 100;

function adminChanged(queryClient: QueryClient) {
  return queryClient.invalidateQueries({ queryKey: adminKeys.all });
}

/**
 * A mutation whose success refreshes the admin area; `applied` can first put the answer into the
 * cache, so what was just saved shows before the refetch lands.
 */
function useAdminMutation<TVariables, TResult>(
  mutationFn: (input: TVariables) => Promise<TResult>,
  applied?: (result: TResult, queryClient: QueryClient) => void,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (result) => {
      applied?.(result, queryClient);
      return adminChanged(queryClient);
    },
  });
}

/** Puts a created or changed role into the cached list at once. */
function roleApplied(role: TRole, queryClient: QueryClient) {
  queryClient.setQueryData<TRole[]>(adminKeys.roles, (roles) =>
    roles?.some((known) => known.id === role.id)
      ? roles.map((known) => (known.id === role.id ? role : known))
      : [...(roles ?? []), role],
  );
}

export function useUsers() {
  return useQuery({ queryKey: adminKeys.users, queryFn: () => api.get('/api/users', ZUserList) });
}

export function useCreateUser() {
  return useAdminMutation((body: TCreateUserRequest) =>
    api.post('/api/users', { body, schema: ZUserAccount }),
  );
}

export function useUpdateUser(id: string) {
  return useAdminMutation((body: TUpdateUserRequest) =>
    api.patch(`/api/users/${segment(id)}`, { body, schema: ZUserAccount }),
  );
}

export function useDeleteUser() {
  return useAdminMutation((id: string) => api.delete(`/api/users/${segment(id)}`));
}

export function useTeams() {
  return useQuery({ queryKey: adminKeys.teams, queryFn: () => api.get('/api/teams', ZTeamList) });
}

export function useCreateTeam() {
  return useAdminMutation((body: TCreateTeamRequest) =>
    api.post('/api/teams', { body, schema: ZTeam }),
  );
}

export function useDeleteTeam() {
  return useAdminMutation((id: string) => api.delete(`/api/teams/${segment(id)}`));
}

export function useAddTeamMember(teamId: string) {
  return useAdminMutation((userId: string) =>
    api.post(`/api/teams/${segment(teamId)}/members`, { body: { userId }, schema: ZTeam }),
  );
}

export function useRemoveTeamMember(teamId: string) {
  return useAdminMutation((userId: string) =>
    api.delete(`/api/teams/${segment(teamId)}/members/${segment(userId)}`),
  );
}

export function usePermissions() {
  return useQuery({
    queryKey: adminKeys.permissions,
    queryFn: () => api.get('/api/permissions', ZPermissionList),
    // The catalog changes only with a server upgrade.
    staleTime: Infinity,
  });
}

export function useRoles() {
  return useQuery({ queryKey: adminKeys.roles, queryFn: () => api.get('/api/roles', ZRoleList) });
}

export function useCreateRole() {
  return useAdminMutation(
    (body: TCreateRoleRequest) => api.post('/api/roles', { body, schema: ZRole }),
    roleApplied,
  );
}

export function useUpdateRole() {
  return useAdminMutation(
    ({ id, body }: { id: string; body: TUpdateRoleRequest }) =>
      api.patch(`/api/roles/${segment(id)}`, { body, schema: ZRole }),
    roleApplied,
  );
}

export function useDeleteRole() {
  return useAdminMutation((id: string) => api.delete(`/api/roles/${segment(id)}`));
}

/** Every grant, or (with a host) those reaching it: on the host, on its group, on all hosts. */
export function useGrants(hostId: string | null) {
  return useQuery({
    queryKey: adminKeys.grants(hostId),
    queryFn: () =>
      api.get(
        hostId === null ? '/api/grants' : `/api/grants?hostId=${segment(hostId)}`,
        ZGrantList,
      ),
  });
}

export function useCreateGrant() {
  return useAdminMutation((body: TCreateGrantRequest) =>
    api.post('/api/grants', { body, schema: ZGrant }),
  );
}

export function useDeleteGrant() {
  return useAdminMutation((id: string) => api.delete(`/api/grants/${segment(id)}`));
}

const policyPath = (hostId: string) => `/api/hosts/${segment(hostId)}/policy`;

export function useHostPolicy(hostId: string) {
  return useQuery({
    queryKey: adminKeys.policy(hostId),
    queryFn: () => api.get(policyPath(hostId), ZHostPolicy),
  });
}

export function useSaveHostPolicy(hostId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: THostPolicy) => api.put(policyPath(hostId), { body, schema: ZHostPolicy }),
    onSuccess: (policy) => {
      queryClient.setQueryData(adminKeys.policy(hostId), policy);
      return adminChanged(queryClient);
    },
  });
}

/** Newest first, a page at a time; `fetchNextPage` follows the server's cursor. */
export function useAuditLog(filter: TAuditFilter, limit = AUDIT_PAGE_SIZE) {
  return useInfiniteQuery({
    queryKey: adminKeys.audit(filter, limit),
    queryFn: ({ pageParam }) => {
      const params = auditSearchParams(filter);
      params.set('limit', String(limit));
      if (pageParam !== null) params.set('cursor', pageParam);
      return api.get(`/api/audit?${params.toString()}`, ZAuditPage);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}

export function useVerifyAuditChain() {
  return useMutation({ mutationFn: () => api.get('/api/audit/verify', ZAuditVerifyResult) });
}
