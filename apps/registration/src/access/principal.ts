// The guard's request, the caller and the permission metadata live in the service runtime (every service that
// serves admin endpoints shares them, and the API document reads the permissions); re-exported for the areas here.
export { type AuthenticatedRequest, CurrentPrincipal, PERMISSION, Requires } from '@tessera/service-runtime';
