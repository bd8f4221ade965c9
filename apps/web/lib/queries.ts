import {
  ROUTES,
  type TCreateHostRequest,
  type THost,
  type TLoginRequest,
  type TLoginResponse,
  type TSetupRequest,
  type TUpdateHostRequest,
} from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, callRoute, setCsrfToken } from './api';

export const queryKeys = {
  health: ['health'] as const,
  setupStatus: ['auth', 'setup'] as const,
  me: ['auth', 'me'] as const,
  hosts: ['hosts'] as const,
  host: (id: string) => ['hosts', id] as const,
};

/** Socket events report status changes; this catches engine facts (container counts) drifting. */
const HOSTS_REFRESH_MS = 30_000;

export function useHealth() {
  return useQuery({
    queryKey: queryKeys.health,
    queryFn: () => callRoute(ROUTES.health),
    staleTime: 60_000,
    refetchInterval: 60_000,
  });
}

export function useSetupStatus() {
  return useQuery({
    queryKey: queryKeys.setupStatus,
    queryFn: () => callRoute(ROUTES.setupStatus),
    staleTime: 60_000,
  });
}

export function useMe() {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: async () => {
      const me = await callRoute(ROUTES.me);
      setCsrfToken(me.csrfToken);
      return me;
    },
    staleTime: 5 * 60_000,
  });
}

function useSignedIn() {
  const queryClient = useQueryClient();
  return (session: TLoginResponse) => {
    setCsrfToken(session.csrfToken);
    queryClient.setQueryData(queryKeys.me, session);
    queryClient.setQueryData(queryKeys.setupStatus, { needsSetup: false });
  };
}

export function useLogin() {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (body: TLoginRequest) =>
      callRoute(ROUTES.login, { body, redirectOnUnauthenticated: false }),
    onSuccess: signedIn,
  });
}

export function useSetup() {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (body: TSetupRequest) =>
      callRoute(ROUTES.setup, { body, redirectOnUnauthenticated: false }),
    onSuccess: signedIn,
  });
}

export function useLogout() {
  return useMutation({
    mutationFn: async () => {
      try {
        await callRoute(ROUTES.logout, { redirectOnUnauthenticated: false });
      } catch (error) {
        // A session that already ended is as signed out as it gets.
        if (!(error instanceof ApiError && error.status === 401)) throw error;
      }
    },
    onSuccess: () => {
      setCsrfToken(null);
      // A full load drops every cached answer of the ended session.
      window.location.assign('/login');
    },
  });
}

export function useHosts() {
  return useQuery({
    queryKey: queryKeys.hosts,
    queryFn: () => callRoute(ROUTES.listHosts),
    refetchInterval: HOSTS_REFRESH_MS,
  });
}

export function useHost(id: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.host(id),
    queryFn: () => callRoute(ROUTES.getHost, { params: { id } }),
    // Coming from the list, show what it already knows while the detail loads.
    placeholderData: () =>
      queryClient.getQueryData<THost[]>(queryKeys.hosts)?.find((host) => host.id === id),
    refetchInterval: HOSTS_REFRESH_MS,
  });
}

export function useCreateHost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateHostRequest) => callRoute(ROUTES.createHost, { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.hosts }),
  });
}

/** Tries a connection that is not saved yet. */
export function useTestHostDraft() {
  return useMutation({
    mutationFn: (body: TCreateHostRequest) => callRoute(ROUTES.testNewHost, { body }),
  });
}

/** Tries an edit of a saved host (its new URL or credentials, the stored ones kept) unsaved. */
export function useTestHostChanges(id: string) {
  return useMutation({
    mutationFn: (body: TUpdateHostRequest) =>
      callRoute(ROUTES.testHostChanges, { params: { id }, body }),
  });
}

/** Checks a saved host now; the server stores the new status, so the host is refetched. */
export function useCheckHost(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callRoute(ROUTES.testHost, { params: { id } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.hosts }),
  });
}

export function useUpdateHost(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TUpdateHostRequest) =>
      callRoute(ROUTES.updateHost, { params: { id }, body }),
    onSuccess: (host) => {
      queryClient.setQueryData(queryKeys.host(id), host);
      return queryClient.invalidateQueries({ queryKey: queryKeys.hosts });
    },
  });
}

export function useRemoveHost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => callRoute(ROUTES.removeHost, { params: { id } }),
    onSuccess: (_result, id) => {
      queryClient.removeQueries({ queryKey: queryKeys.host(id) });
      return queryClient.invalidateQueries({ queryKey: queryKeys.hosts, exact: true });
    },
  });
}
