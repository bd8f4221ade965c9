import {
  ROUTES,
  type TChangePasswordRequest,
  type TCreateTokenRequest,
  type TTotpDisableRequest,
} from '@berth/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from './api';

/* Your own account: every change marks the whole page stale (a new password ends sessions). */
export const accountKeys = {
  all: ['account'] as const,
  tokens: ['account', 'tokens'] as const,
  sessions: ['account', 'sessions'] as const,
  totp: ['account', 'totp'] as const,
};

function useAccountMutation<TVariables, TResult>(
  mutationFn: (input: TVariables) => Promise<TResult>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountKeys.all }),
  });
}

export function useTokens() {
  return useQuery({ queryKey: accountKeys.tokens, queryFn: () => callRoute(ROUTES.listTokens) });
}

export function useCreateToken() {
  return useAccountMutation((body: TCreateTokenRequest) => callRoute(ROUTES.createToken, { body }));
}

export function useRevokeToken() {
  return useAccountMutation((id: string) => callRoute(ROUTES.revokeToken, { params: { id } }));
}

export function useSessions() {
  return useQuery({
    queryKey: accountKeys.sessions,
    queryFn: () => callRoute(ROUTES.listSessions),
  });
}

export function useEndSession() {
  return useAccountMutation((id: string) => callRoute(ROUTES.endSession, { params: { id } }));
}

export function useEndOtherSessions() {
  return useAccountMutation(() => callRoute(ROUTES.endOtherSessions));
}

export function useChangePassword() {
  return useAccountMutation((body: TChangePasswordRequest) =>
    callRoute(ROUTES.changePassword, { body }),
  );
}

export function useTotpStatus() {
  return useQuery({ queryKey: accountKeys.totp, queryFn: () => callRoute(ROUTES.totpStatus) });
}

export function useSetupTotp() {
  return useAccountMutation(() => callRoute(ROUTES.setupTotp));
}

export function useEnableTotp() {
  return useAccountMutation((code: string) => callRoute(ROUTES.enableTotp, { body: { code } }));
}

export function useDisableTotp() {
  return useAccountMutation((body: TTotpDisableRequest) => callRoute(ROUTES.disableTotp, { body }));
}
