import {
  ROUTES,
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
import { callRoute } from './api';

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
  return useQuery({ queryKey: adminKeys.users, queryFn: () => callRoute(ROUTES.listUsers) });
}

export function useCreateUser() {
  return useAdminMutation((body: TCreateUserRequest) => callRoute(ROUTES.createUser, { body }));
}

export function useUpdateUser(id: string) {
  return useAdminMutation((body: TUpdateUserRequest) =>
    callRoute(ROUTES.updateUser, { params: { id }, body }),
  );
}

export function useDeleteUser() {
  return useAdminMutation((id: string) => callRoute(ROUTES.removeUser, { params: { id } }));
}

export function useTeams() {
  return useQuery({ queryKey: adminKeys.teams, queryFn: () => callRoute(ROUTES.listTeams) });
}

export function useCreateTeam() {
  return useAdminMutation((body: TCreateTeamRequest) => callRoute(ROUTES.createTeam, { body }));
}

export function useDeleteTeam() {
  return useAdminMutation((id: string) => callRoute(ROUTES.removeTeam, { params: { id } }));
}

export function useAddTeamMember(teamId: string) {
  return useAdminMutation((userId: string) =>
    callRoute(ROUTES.addTeamMember, { params: { id: teamId }, body: { userId } }),
  );
}

export function useRemoveTeamMember(teamId: string) {
  return useAdminMutation((userId: string) =>
    callRoute(ROUTES.removeTeamMember, { params: { id: teamId, userId } }),
  );
}

export function usePermissions() {
  return useQuery({
    queryKey: adminKeys.permissions,
    queryFn: () => callRoute(ROUTES.listPermissions),
    // The catalog changes only with a server upgrade.
    staleTime: Infinity,
  });
}

export function useRoles() {
  return useQuery({ queryKey: adminKeys.roles, queryFn: () => callRoute(ROUTES.listRoles) });
}

export function useCreateRole() {
  return useAdminMutation(
    (body: TCreateRoleRequest) => callRoute(ROUTES.createRole, { body }),
    roleApplied,
  );
}

export function useUpdateRole() {
  return useAdminMutation(
    ({ id, body }: { id: string; body: TUpdateRoleRequest }) =>
      callRoute(ROUTES.updateRole, { params: { id }, body }),
    roleApplied,
  );
}

export function useDeleteRole() {
  return useAdminMutation((id: string) => callRoute(ROUTES.removeRole, { params: { id } }));
}

/** Every grant, or (with a host) those reaching it: on the host, on its group, on all hosts. */
export function useGrants(hostId: string | null) {
  return useQuery({
    queryKey: adminKeys.grants(hostId),
    queryFn: () => callRoute(ROUTES.listGrants, { query: { hostId: hostId ?? undefined } }),
  });
}

export function useCreateGrant() {
  return useAdminMutation((body: TCreateGrantRequest) => callRoute(ROUTES.createGrant, { body }));
}

export function useDeleteGrant() {
  return useAdminMutation((id: string) => callRoute(ROUTES.removeGrant, { params: { id } }));
}

export function useHostPolicy(hostId: string) {
  return useQuery({
    queryKey: adminKeys.policy(hostId),
    queryFn: () => callRoute(ROUTES.getHostPolicy, { params: { hostId } }),
  });
}

export function useSaveHostPolicy(hostId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: THostPolicy) =>
      callRoute(ROUTES.setHostPolicy, { params: { hostId }, body }),
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
    queryFn: ({ pageParam }) =>
      callRoute(ROUTES.listAudit, {
        query: { ...filter, limit, cursor: pageParam ?? undefined },
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}

export function useVerifyAuditChain() {
  return useMutation({ mutationFn: () => callRoute(ROUTES.verifyAudit) });
}
