import {
  type ArgumentMetadata,
  applyDecorators,
  HttpCode,
  type PipeTransform,
  RequestMapping,
  RequestMethod,
  SetMetadata,
  UsePipes,
} from '@nestjs/common';
import type { ApiRoute, HttpMethod } from '@berth/shared';
import { ACCESS_KEY } from '../auth/access.decorator.js';
import { createValidationPipe } from './validation.js';

/** The contract route a handler answers; read by whatever needs the route's facts at run time. */
export const ROUTE_KEY = 'berth:route';

const METHODS: Record<HttpMethod, RequestMethod> = {
  get: RequestMethod.GET,
  post: RequestMethod.POST,
  put: RequestMethod.PUT,
  patch: RequestMethod.PATCH,
  delete: RequestMethod.DELETE,
};

/**
 * Binds a handler to its contract route, so its path, status, access level and schemas are
 * written once, in `packages/shared`: `@Route(ROUTES.createTeam)` on a method of a controller
 * that has no prefix of its own. `@Body()` and `@Query()` of the handler are parsed with the
 * route's schemas and answer 400 naming every failing field, as `@Body({ schema })` does. The
 * route's `permission` is checked on its `{hostId}` by `AuthGuard` before the handler runs.
 */
export function Route(route: ApiRoute): MethodDecorator {
  // The guard reads the host from `hostId` (or the object `hostFrom` names): without either a permission could not be checked.
  if (route.permission && !route.path.includes('{hostId}') && !route.hostFrom) {
    throw new Error(`contract route ${route.path} declares a permission but has no {hostId}`);
  }
  return applyDecorators(
    RequestMapping({ method: METHODS[route.method], path: nestPath(route.path) }),
    // The contract's default is 200 for every method; Nest's would be 201 for a POST.
    HttpCode(route.status ?? 200),
    SetMetadata(ACCESS_KEY, route.access),
    SetMetadata(ROUTE_KEY, route),
    UsePipes(new RouteSchemaPipe(route)),
  );
}

/** `/api/teams/{id}/members` → `/teams/:id/members` (the `api` prefix is global). */
export function nestPath(contractPath: string): string {
  if (!contractPath.startsWith('/api/')) {
    throw new Error(`contract path ${contractPath} is outside /api`);
  }
  return contractPath.slice('/api'.length).replace(/\{(\w+)\}/g, ':$1');
}

/** Parses the whole body and the whole query object with the route's schemas. */
class RouteSchemaPipe implements PipeTransform {
  private readonly pipe = createValidationPipe();

  constructor(private readonly route: ApiRoute) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const schema = this.schemaFor(metadata);
    return schema ? this.pipe.transform(value, { ...metadata, schema }) : value;
  }

  private schemaFor(metadata: ArgumentMetadata): ApiRoute['body'] {
    // `@Query('t')` or `@Body('name')` pick one field: the schema is of the whole object.
    if (metadata.data !== undefined) return undefined;
    if (metadata.type === 'body') return this.route.body;
    if (metadata.type === 'query') return this.route.query;
    return undefined;
  }
}
