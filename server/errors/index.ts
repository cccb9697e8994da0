/** Domain errors: services throw these; hono/errors maps them to HTTP. */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
export class NotFoundError extends DomainError {}
export class ConflictError extends DomainError {}
export class ForbiddenError extends DomainError {}
export class ValidationError extends DomainError {}
export class UnavailableError extends DomainError {}
export class PayloadTooLargeError extends DomainError {}
export class UnsupportedMediaTypeError extends DomainError {}
export class UnauthorizedError extends DomainError {}
/** Past a rate limit: the caller may try again after `retryAfterSeconds`. */
export class TooManyRequestsError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
