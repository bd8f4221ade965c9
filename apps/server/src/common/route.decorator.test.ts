import { describe, expect, it } from '@jest/globals';
import { RequestMethod } from '@nestjs/common';
import { API_ROUTES, ROUTES } from '@berth/shared';
import { ACCESS_KEY } from '../auth/access.decorator.js';
import { nestPath, Route } from './route.decorator.js';

class Probe {
  removeMember(): void {}
}

describe('@Route', () => {
  it('turns every contract path into a Nest path under the global api prefix', () => {
    expect(nestPath('/api/teams/{id}/members/{userId}')).toBe('/teams/:id/members/:userId');
    for (const route of API_ROUTES) expect(nestPath(route.path)).not.toMatch(/[{}]|^\/api\//);
    expect(() => nestPath('/metrics')).toThrow(/outside \/api/);
  });

  it("applies the route's method, path, status and access to the handler", () => {
    const descriptor = Object.getOwnPropertyDescriptor(Probe.prototype, 'removeMember')!;
    Route(ROUTES.removeTeamMember)(Probe.prototype, 'removeMember', descriptor);
    const handler = descriptor.value as object;
    expect(Reflect.getMetadata('method', handler)).toBe(RequestMethod.DELETE);
    expect(Reflect.getMetadata('path', handler)).toBe('/teams/:id/members/:userId');
    expect(Reflect.getMetadata('__httpCode__', handler)).toBe(204);
    expect(Reflect.getMetadata(ACCESS_KEY, handler)).toBe('admin');
  });
});
