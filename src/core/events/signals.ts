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
}

type Listener<K extends keyof SignalMap> = (signal: SignalMap[K]) => void;

export class Signals {
  private readonly listeners = new Map<keyof SignalMap, Set<Listener<never>>>();

  constructor(private readonly log?: { error: (obj: unknown, msg: string) => void }) {}

  on<K extends keyof SignalMap>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Calls every listener now; a failing listener is logged and does not stop the others. */
  emit<K extends keyof SignalMap>(name: K, signal: SignalMap[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        (listener as Listener<K>)(signal);
      } catch (error) {
        this.log?.error({ err: error, signal: name }, 'a signal listener failed');
      }
    }
  }
}
