import { SetMetadata } from '@nestjs/common';

/** Who may call a route: `public` (anyone), `user` (signed in), `admin` (global administrator). */
export type Access = 'public' | 'user' | 'admin';

export const ACCESS_KEY = 'berth:access';

export const Access = (access: Access) => SetMetadata(ACCESS_KEY, access);
