import type { KubeObject } from '../../api/types.js';
import type { Watcher } from '../../storage/store.js';
import type { Logger } from '../../util/log.js';
import type { ResourceCatalog } from '../registry/catalog.js';
import type { WatchEventType } from '../registry/generic-store.js';
import { type Attributes, type Authorizer, type Decision, isSuperUser } from './authorizer.js';
import { authorizeWithPolicy, emptyPolicy, ObjectTable, type RbacPolicy, rulesForUser, type UserRules } from './rbac-policy.js';
import { bindingOf, type PolicyRule, RBAC_GROUP, rulesOf } from './rbac-types.js';
import type { UserInfo } from './user.js';

/** Lists the rules that apply to a user (authorizer.RuleResolver), for SelfSubjectRulesReview. */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): Promise<UserRules>;
}

/** What system:masters may do, as Kubernetes' privileged-group authorizer reports it. */
const superUserRules: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

export interface RbacAuthorizerOptions {
  log?: Logger;
  /** Wait before re-opening a watch that failed (ms). Default 1000. */
  retryDelayMs?: number;
}

/**
 * Kubernetes RBAC over the stored Roles, ClusterRoles and their bindings.
 *
 * Requests are decided from an in-memory snapshot that four watches keep current (the way
 * kube-apiserver's RBAC reads informer caches), so authorizing costs a few map lookups and
 * never touches storage. system:masters is allowed everything without looking.
 *
 * The catalog can be attached after construction, because the review resources that need
 * this authorizer must exist before the catalog does.
 *
 * @example
 * const rbac = new RbacAuthorizer();
 * const catalog = new ResourceCatalog([...builtinResources, ...authorizationV1(rbac)], store, clock);
 * rbac.attach(catalog);
 * await rbac.ready();
 * await rbac.authorize({ user, verb: 'get', resource: { group: '', version: 'v1', resource: 'pods', namespace: 'dev' } });
 */
export class RbacAuthorizer implements Authorizer, RuleResolver {
  private policy: RbacPolicy = emptyPolicy();
  private readonly watchers = new Map<string, Watcher>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private started: Promise<void> | undefined;
  private stopped = false;

  constructor(
    catalog?: ResourceCatalog,
    private readonly opts: RbacAuthorizerOptions = {},
  ) {
    if (catalog) this.attach(catalog);
  }

  /** Starts following the RBAC objects of this catalog (once). */
  attach(catalog: ResourceCatalog): void {
    if (this.started) return;
    this.started = Promise.all([
      this.follow(catalog, 'clusterroles', rulesOf, (t) => (this.policy.clusterRoles = t)),
      this.follow(catalog, 'roles', rulesOf, (t) => (this.policy.roles = t)),
      this.follow(catalog, 'clusterrolebindings', bindingOf, (t) => (this.policy.clusterRoleBindings = t)),
      this.follow(catalog, 'rolebindings', bindingOf, (t) => (this.policy.roleBindings = t)),
    ]).then(() => undefined);
  }

  /** Resolves once the snapshot holds every stored RBAC object (immediately if not attached). */
  ready(): Promise<void> {
    return this.started ?? Promise.resolve();
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watchers.values()) w.stop();
    this.watchers.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  async authorize(attrs: Attributes): Promise<Decision> {
    if (isSuperUser(attrs.user)) return { allowed: true };
    if (this.started) await this.started;
    // 'connect' (exec/attach/portforward/proxy) is not an RBAC verb: Kubernetes checks the
    // HTTP method's verb, and since 1.31 `create` for websocket upgrades too, so roles grant
    // `create` on pods/exec. Ask for that.
    return authorizeWithPolicy(this.policy, attrs.verb === 'connect' ? { ...attrs, verb: 'create' } : attrs);
  }

  async rulesFor(user: UserInfo, namespace: string): Promise<UserRules> {
    if (this.started) await this.started;
    const out = rulesForUser(this.policy, user, namespace);
    return isSuperUser(user) ? { ...out, rules: [...superUserRules, ...out.rules] } : out;
  }

  /**
   * Mirrors one kind into a fresh table and installs the table once the initial state is in
   * (GenericStore.watch replays current objects before it resolves). After a watch failure
   * it starts over with a new table, so deletions missed meanwhile cannot linger.
   */
  private async follow<T>(
    catalog: ResourceCatalog,
    plural: string,
    toValue: (obj: KubeObject) => T | undefined,
    install: (table: ObjectTable<T>) => void,
  ): Promise<void> {
    const store = catalog.lookup(RBAC_GROUP, 'v1', plural);
    if (!store || this.stopped) return;
    const table = new ObjectTable<T>();
    const onEvent = (type: WatchEventType, obj: KubeObject) => {
      const ns = obj.metadata.namespace ?? '';
      const name = obj.metadata.name ?? '';
      const value = type === 'DELETED' ? undefined : toValue(obj);
      if (value === undefined) table.delete(ns, name);
      else table.set(ns, name, value);
    };
    try {
      const watcher = await store.watch(undefined, {
        resourceVersion: '0',
        onEvent,
        onError: (err) => {
          this.opts.log?.warn({ err, resource: plural }, 'RBAC watch ended; re-listing');
          this.retry(catalog, plural, toValue, install);
        },
      });
      if (this.stopped) return watcher.stop();
      this.watchers.get(plural)?.stop();
      this.watchers.set(plural, watcher);
      install(table);
    } catch (err) {
      this.opts.log?.error({ err, resource: plural }, 'RBAC watch failed to start');
      this.retry(catalog, plural, toValue, install);
    }
  }

  private retry<T>(catalog: ResourceCatalog, plural: string, toValue: (obj: KubeObject) => T | undefined, install: (table: ObjectTable<T>) => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.follow(catalog, plural, toValue, install);
    }, this.opts.retryDelayMs ?? 1000);
    timer.unref();
    this.timers.add(timer);
  }
}
