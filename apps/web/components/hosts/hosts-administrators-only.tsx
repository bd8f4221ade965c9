import { AdministratorsOnly } from '../admin/administrators-only';

/** Every host route is for global administrators, so nobody else is shown (or fetches) them. */
export function HostsAdministratorsOnly() {
  return <AdministratorsOnly area="Hosts are registered, tested, edited and removed here." />;
}
