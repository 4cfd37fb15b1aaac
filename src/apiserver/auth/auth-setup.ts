import { authenticationV1 } from '../../api/authentication/v1/index.js';
import { authorizationV1 } from '../../api/authorization/v1/index.js';
import { type Clock, systemClock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { ResourceCatalog } from '../registry/catalog.js';
import type { ResourceDefinition } from '../registry/resource.js';
import { writeJson } from '../http/respond.js';
import type { PathHandler, TokenAuthenticator } from '../server.js';
import { bootstrapRbac } from './bootstrap-policy.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { loadOrCreateServiceAccountKey } from './service-account-key.js';
import { ServiceAccountTokens } from './service-account-tokens.js';
import { serviceAccountTokenSubresource } from './token-request.js';
import type { SubresourceRegistration } from '../http/context.js';

/** Everything authentication and authorization contribute to a server, ready to wire in. */
export interface AuthSetup {
  authorizer: RbacAuthorizer;
  tokens: ServiceAccountTokens;
  tokenAuthenticators: TokenAuthenticator[];
  /** The review resources; add them to the catalog. */
  resources: ResourceDefinition[];
  /** serviceaccounts/token. */
  subresources: SubresourceRegistration[];
  /** Service account issuer discovery (OIDC), for ApiServerOptions.paths. */
  paths: Record<string, PathHandler>;
  /** Starts the RBAC snapshot and token lookups on the catalog. */
  attach(catalog: ResourceCatalog): void;
  /** Creates the default roles and bindings (after attach), once RBAC's snapshot is primed. */
  bootstrap(catalog: ResourceCatalog): Promise<void>;
  stop(): void;
}

/**
 * Builds RBAC, service account tokens and the review resources, with the signing key kept
 * in `<tlsDir>/service-account.key`.
 *
 * @example
 * const auth = await setUpAuth(pki.tlsDir, { clock, log });
 * const catalog = new ResourceCatalog([...builtinResources, ...auth.resources], store, clock);
 * auth.attach(catalog);
 * // ApiServer({ authorizer: auth.authorizer, tokenAuthenticators: auth.tokenAuthenticators, paths: auth.paths, … })
 * await auth.bootstrap(catalog);
 */
export async function setUpAuth(tlsDir: string, deps: { clock?: Clock; log?: Logger } = {}): Promise<AuthSetup> {
  const clock = deps.clock ?? systemClock;
  const authorizer = new RbacAuthorizer(undefined, { log: deps.log });
  const tokens = new ServiceAccountTokens({ key: await loadOrCreateServiceAccountKey(tlsDir), clock });
  return {
    authorizer,
    tokens,
    tokenAuthenticators: [tokens.authenticate],
    resources: [...authorizationV1(authorizer), ...authenticationV1({ reviewer: tokens, clock })],
    subresources: [serviceAccountTokenSubresource(tokens)],
    paths: {
      '/.well-known/openid-configuration': async (_req, res) => writeJson(res, 200, tokens.openIdConfiguration()),
      '/openid/v1/jwks': async (_req, res) => writeJson(res, 200, tokens.jwks(), 'application/jwk-set+json'),
    },
    attach(catalog) {
      authorizer.attach(catalog);
      tokens.attach(catalog);
    },
    async bootstrap(catalog) {
      await authorizer.ready();
      await bootstrapRbac(catalog);
    },
    stop: () => authorizer.stop(),
  };
}
