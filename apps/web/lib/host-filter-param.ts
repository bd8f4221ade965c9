/** Search parameters as a page receives them. */
export type PageSearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The host a list opens filtered to (`?host=<id>`, as the host page's counts link), or ''. */
export async function hostFilterParam(searchParams: PageSearchParams): Promise<string> {
  const value = (await searchParams).host;
  return (Array.isArray(value) ? value[0] : value) ?? '';
}
