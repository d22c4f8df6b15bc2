import { SetMetadata } from '@nestjs/common';
import type { Permission } from '@tessera/access';

/** Metadata key of the permission an endpoint needs (read by the service's guard and by the API document). */
export const PERMISSION = Symbol('tessera-permission');

/** The permission an endpoint (or every endpoint of a controller) needs; a guard refuses other roles with 403. */
export const Requires = (permission: Permission) => SetMetadata(PERMISSION, permission);
