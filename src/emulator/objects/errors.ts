// S3's errors: a code, its HTTP status, and the XML body S3 answers with
// (`<Error><Code/><Message/><Resource/><RequestId/></Error>`).
import {xmlDocument} from './xml.js'

const STATUS: Record<string, number> = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketAlreadyOwnedByYou: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  KeyTooLongError: 400,
  MalformedXML: 400,
  MaxMessageLengthExceeded: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NotImplemented: 501,
  PreconditionFailed: 412,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
}

export class S3Error extends Error {
  readonly status: number

  constructor(
    readonly code: string,
    message: string,
    /** Extra elements of the error document, as S3 adds (`Key`, `BucketName`, `UploadId`...). */
    readonly details: Record<string, string> = {},
  ) {
    super(message)
    this.status = STATUS[code] ?? 400
  }

  xml(resource: string, requestId: string): string {
    return xmlDocument('Error', {Code: this.code, Message: this.message, ...this.details, Resource: resource, RequestId: requestId})
  }
}
