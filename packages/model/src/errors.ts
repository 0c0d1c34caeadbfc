/**
 * The whole error family of Shopfloor. Recognise errors by `name` or `code`, never by message
 * text or `instanceof` (two copies of a package may load). `docs/errors.md` lists every code.
 */
export const errorCodes = [
  'SF_BAD_REQUEST',
  'SF_CONFIG_INVALID',
  'SF_TAG_PATH_INVALID',
  'SF_TAG_FILTER_INVALID',
  'SF_TAG_NOT_FOUND',
  'SF_TIME_RANGE_INVALID',
  'SF_MODEL_INVALID',
  'SF_MODEL_NOT_FOUND',
  'SF_MODEL_CYCLE',
  'SF_ASSET_INVALID',
  'SF_ASSET_NOT_FOUND',
  'SF_ALARM_NOT_FOUND',
  'SF_ALARMS_UNAVAILABLE',
  'SF_CONFLICT',
  'SF_UNAUTHENTICATED',
  'SF_FORBIDDEN',
  'SF_NOT_FOUND',
  'SF_STORE_UNAVAILABLE',
  'SF_BROKER_UNAVAILABLE',
  'SF_PROTOCOL',
  'SF_INTERNAL',
  'SF_EDGE_NOT_FOUND',
  'SF_EDGE_CONFIG_REFUSED',
  'SF_EDGE_UNREACHABLE',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export class InputError extends Error {
  override readonly name = 'InputError';
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  readonly code: ErrorCode;
  constructor(message: string, options?: ErrorOptions, code: ErrorCode = 'SF_CONFLICT') {
    super(message, options);
    this.code = code;
  }
}

export class NotAuthenticatedError extends Error {
  override readonly name = 'NotAuthenticatedError';
  readonly code: ErrorCode = 'SF_UNAUTHENTICATED';
}

export class NotAllowedError extends Error {
  override readonly name = 'NotAllowedError';
  readonly code: ErrorCode = 'SF_FORBIDDEN';
}

export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ErrorCode = 'SF_PROTOCOL';
}

/** A broken invariant. Never throw this for invalid user input. */
export class BugError extends Error {
  override readonly name = 'BugError';
  readonly code: ErrorCode = 'SF_INTERNAL';
}

export type ShopfloorError = InputError | NotFoundError | ConflictError | NotAuthenticatedError | NotAllowedError | UnavailableError | ProtocolError | BugError;

const shopfloorErrorNames: ReadonlySet<string> = new Set<ShopfloorError['name']>([
  'InputError',
  'NotFoundError',
  'ConflictError',
  'NotAuthenticatedError',
  'NotAllowedError',
  'UnavailableError',
  'ProtocolError',
  'BugError',
]);

export function isShopfloorError(error: unknown): error is ShopfloorError {
  return (
    typeof error === 'object' &&
    error !== null &&
    shopfloorErrorNames.has((error as { name?: unknown }).name as string) &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}
