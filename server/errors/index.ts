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
