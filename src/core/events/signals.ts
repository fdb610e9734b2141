/**
 * Things that happened on this instance that other parts act on (send a verification mail,
 * tell a user their account is locked). Unlike change events they are never replayed on
 * other instances: the work they start must happen once.
 */
import type { Tenant } from '../tenants/settings.js';
import type { User } from '../users/user.js';

export interface SignalMap {
  'user.created': { tenant: Tenant; user: User };
  'user.emailChanged': { tenant: Tenant; user: User };
  'user.locked': { tenant: Tenant; userId: string; until: number };
  /** A new password was set (by its owner or an administrator). */
  'user.passwordChanged': { tenant: Tenant; user: User };
  /** An administrator disabled the user. */
  'user.disabled': { tenant: Tenant; user: User };
  /** Users were deleted (ids asked for: some may not have existed). */
  'user.deleted': { tenant: Tenant; userIds: string[] };
}

/** A listener may return a promise: the emitter can wait for it (a revocation that must be done before the answer). */
type Listener<K extends keyof SignalMap> = (signal: SignalMap[K]) => void | Promise<unknown>;

export class Signals {
  private readonly listeners = new Map<keyof SignalMap, Set<Listener<never>>>();

  constructor(private readonly log?: { error: (obj: unknown, msg: string) => void }) {}

  on<K extends keyof SignalMap>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /**
   * Calls every listener now; resolves when the promises they returned have settled. A failing
   * listener is logged and does not stop the others, nor fail the emitter.
   */
  async emit<K extends keyof SignalMap>(name: K, signal: SignalMap[K]): Promise<void> {
    const waiting: Promise<unknown>[] = [];
    const failed = (error: unknown) => this.log?.error({ err: error, signal: name }, 'a signal listener failed');
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        const result = (listener as Listener<K>)(signal);
        if (result instanceof Promise) waiting.push(result.catch(failed));
      } catch (error) {
        failed(error);
      }
    }
    await Promise.all(waiting);
  }
}
