import { Injectable } from '@nestjs/common';
import { SharedObjectAccess } from '../access/shared-object-access.js';
import { ContainerAccess } from '../containers/container-access.js';

/**
 * Permission checks for image routes. Images carry no owner, so a grant limited to the caller's
 * own objects reaches them only for reading and pulling; tagging, pushing and removing are refused.
 */
@Injectable()
export class ImageAccess extends SharedObjectAccess {
  constructor(access: ContainerAccess) {
    super(access, 'images are shared by everyone on the host');
  }
}
