// Where the S3-compatible endpoint sits on the emulator's origin: clients address buckets
// path-style under it (`<origin>/s3/<bucket>/<key>`). No imports: the API side reads it too.
export const OBJECTS_PATH = '/s3'

/** True for the endpoint itself and everything under it. */
export function isObjectsPath(rawPath: string): boolean {
  return rawPath === OBJECTS_PATH || rawPath.startsWith(`${OBJECTS_PATH}/`)
}
