import type { RouteHandler } from 'fastify';
import { MethodNotAllowedError } from '../../core/errors.js';
import type { ContentType } from '../../core/schema/model.js';
import {
  collection,
  typeNamed,
  type ContentApiDeps,
  type DocumentParams,
  type NameParams,
} from './content-request.js';

/** The methods each content route accepts, for 405 answers and their Allow header. */
const ALLOWED = {
  collectionType: { root: ['GET', 'POST'], document: ['GET', 'PUT', 'DELETE'] },
  singleType: { root: ['GET', 'PUT', 'DELETE'], document: [] as string[] },
} as const;

export function notAllowed(type: ContentType, route: 'root' | 'document'): MethodNotAllowedError {
  const allow = ALLOWED[type.kind][route];
  return new MethodNotAllowedError(`Method Not Allowed (this route accepts ${allow.join(', ')})`, allow);
}

/** Another method on /api/:name of an existing type: 405 with what the route accepts. */
export function rootNotAllowed(deps: ContentApiDeps): RouteHandler<{ Params: NameParams }> {
  return async (request) => {
    throw notAllowed(typeNamed(deps.core, request.params.name), 'root');
  };
}

/** Another method on /api/:name/:documentId of an existing collection type: 405. */
export function documentNotAllowed(deps: ContentApiDeps): RouteHandler<{ Params: DocumentParams }> {
  return async (request) => {
    throw notAllowed(collection(deps.core, request.params.name), 'document');
  };
}
