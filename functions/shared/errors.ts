/**
 * Typed errors. A handler maps an HttpError to its status and a JSON body; anything else is
 * an unexpected failure (500), logged with its stack.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(message: string) {
    super(413, message);
  }
}

export class ServiceUnavailableError extends HttpError {
  constructor(message: string) {
    super(503, message);
  }
}

/** A setting is missing or malformed: raised when a function's module loads. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** An HTTP dependency (rng, hasher) answered badly or not at all. */
export class UpstreamError extends Error {
  override name = "UpstreamError";
  constructor(
    readonly upstream: string,
    message: string,
    readonly statusCode?: number,
  ) {
    super(`${upstream}: ${message}`);
  }
}
