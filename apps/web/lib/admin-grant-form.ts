import { ZCreateGrantRequest, type TCreateGrantRequest, type TGrant } from '@berth/shared';
import type { Resolver } from 'react-hook-form';
import { requestResolver, withFormChecks } from './form-errors';

export type GrantSubjectKind = 'user' | 'team';
export type GrantScopeKind = 'host' | 'group' | 'all';

/** What the add-grant form holds; each select keeps its value when the kind is switched. */
export interface GrantFormValues {
  subject: GrantSubjectKind;
  userId: string;
  teamId: string;
  scope: GrantScopeKind;
  hostId: string;
  hostGroup: string;
  role: string;
}

export function emptyGrantForm(hostId: string | null): GrantFormValues {
  return {
    subject: 'team',
    userId: '',
    teamId: '',
    scope: hostId ? 'host' : 'all',
    hostId: hostId ?? '',
    hostGroup: '',
    role: '',
  };
}

const given = (value: string) => (value.trim() === '' ? undefined : value);

/** The request body; still to be validated with ZCreateGrantRequest. */
export function toCreateGrantRequest(values: GrantFormValues): TCreateGrantRequest {
  return {
    userId: values.subject === 'user' ? (given(values.userId) ?? '') : undefined,
    teamId: values.subject === 'team' ? (given(values.teamId) ?? '') : undefined,
    hostId: values.scope === 'host' ? (given(values.hostId) ?? '') : undefined,
    hostGroup: values.scope === 'group' ? (given(values.hostGroup) ?? '') : undefined,
    allHosts: values.scope === 'all' ? true : undefined,
    role: values.role,
  };
}

/** Where a grant applies, in words; `hostName` resolves ids the page knows. */
export function grantScopeLabel(grant: TGrant, hostName: (id: string) => string): string {
  if (grant.allHosts) return 'All hosts';
  if (grant.hostGroup !== null) return `Host group “${grant.hostGroup}”`;
  if (grant.hostId !== null) return hostName(grant.hostId);
  return 'Unknown scope';
}

/**
 * Selections still left at "Choose…", named by the request field they fill. The API's schema
 * would only say "too small" about an empty id, which is no help next to a select.
 */
export function missingGrantChoices(values: GrantFormValues): Record<string, string> {
  const missing: Record<string, string> = {};
  if (values.subject === 'user' && values.userId === '') missing.userId = 'choose a user';
  if (values.subject === 'team' && values.teamId === '') missing.teamId = 'choose a team';
  if (values.scope === 'host' && values.hostId === '') missing.hostId = 'choose a host';
  if (values.scope === 'group' && values.hostGroup.trim() === '') {
    missing.hostGroup = 'name a host group';
  }
  if (values.role === '') missing.role = 'choose a role';
  return missing;
}

/** The shared schema over the request the values make, plus the selections still missing. */
export const grantFormResolver: Resolver<GrantFormValues, unknown, TCreateGrantRequest> =
  withFormChecks(requestResolver(ZCreateGrantRequest, toCreateGrantRequest), missingGrantChoices);
