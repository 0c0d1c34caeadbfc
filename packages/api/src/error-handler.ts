import type { FastifyError, FastifyInstance } from 'fastify';
import { isShopfloorError, type ErrorCode, type ShopfloorError } from '@shopfloor/model';
import type { Logger } from '@shopfloor/engine';

/** The one place where errors become HTTP: complete over the error family by construction. */
const statusByName: Record<ShopfloorError['name'], number> = {
  InputError: 400,
  NotAuthenticatedError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  BugError: 500,
  ProtocolError: 502,
  UnavailableError: 503,
};

export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly requestId?: string };
}

export function installErrorHandler(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (isShopfloorError(error)) {
      const status = statusByName[error.name];
      if (status >= 500) logger.error('request failed', { url: request.url, code: error.code, error: error.message });
      return reply.status(status).send(body(error.code, error.message));
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation !== undefined) {
      return reply.status(400).send(body('SF_BAD_REQUEST', `${request.method} ${request.routeOptions.url ?? request.url}: ${fastifyError.message}`));
    }
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
      return reply.status(fastifyError.statusCode).send(body('SF_BAD_REQUEST', fastifyError.message));
    }
    logger.error('unhandled error in request', { url: request.url, requestId: request.id, error: error.message, stack: error.stack });
    return reply.status(500).send({ error: { code: 'SF_INTERNAL', message: 'internal error; the server log has the details', requestId: request.id } });
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send(body('SF_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)));
}

export function body(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}
