import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotAllowedError, NotAuthenticatedError } from '@shopfloor/model';
import type { Principal, TokenVerifier } from './token-store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Routes that anyone may call (health, metrics). Everything else is denied without a valid token. */
    public?: boolean;
  }
}

/** What a principal may do on a route. Today: admin may do everything; roles plug in here. */
export function mayCall(principal: Principal, _method: string, _route: string): boolean {
  return principal.role === 'admin';
}

/** Deny by default: one hook that every route but the public ones passes. */
export function installAuthorization(app: FastifyInstance, verifier: TokenVerifier): void {
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public === true) return;
    const token = bearerToken(request);
    if (token === undefined)
      throw new NotAuthenticatedError('this call needs an API token: send "Authorization: Bearer <token>" (the first start printed the admin token)');
    const principal = verifier.verify(token);
    if (principal === undefined) throw new NotAuthenticatedError('the API token is not valid');
    if (!mayCall(principal, request.method, request.routeOptions.url ?? request.url)) {
      throw new NotAllowedError(`token "${principal.name}" may not call ${request.method} ${request.routeOptions.url ?? ''}`);
    }
    request.principal = principal;
  });
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim();
  // Browsers cannot set headers on a WebSocket: the live stream also takes ?token=.
  if (request.headers.upgrade?.toLowerCase() === 'websocket') {
    const token = (request.query as Record<string, unknown> | undefined)?.['token'];
    if (typeof token === 'string') return token;
  }
  return undefined;
}
