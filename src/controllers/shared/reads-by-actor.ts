// Azure answers kept per resource AND per actor (issue 23). Each namespace's identity must decide
// on reads it made itself: a read made by another namespace's identity may show what this one is
// not allowed to see (Azure would have refused it AuthorizationFailed), and the request log must
// show each namespace's calls made by its own principal. Bindings of one actor still share one
// read, as before. A change to the resource (our write, whoever made it) drops every actor's
// answer at once: Azure changed for all of them.
export class ReadsByActor<T> {
  /** resource key → actor key → answer. */
  readonly #byResource = new Map<string, Map<string, T>>();
  #size = 0;

  get(resource: string, actor: string): T | undefined {
    return this.#byResource.get(resource)?.get(actor);
  }

  set(resource: string, actor: string, value: T): void {
    let byActor = this.#byResource.get(resource);
    if (!byActor) {
      byActor = new Map();
      this.#byResource.set(resource, byActor);
    }
    if (!byActor.has(actor)) this.#size += 1;
    byActor.set(actor, value);
  }

  delete(resource: string, actor: string): void {
    const byActor = this.#byResource.get(resource);
    if (!byActor?.delete(actor)) return;
    this.#size -= 1;
    if (byActor.size === 0) this.#byResource.delete(resource);
  }

  /** Drops every actor's answer about the resource. */
  forget(resource: string): void {
    const byActor = this.#byResource.get(resource);
    if (!byActor) return;
    this.#size -= byActor.size;
    this.#byResource.delete(resource);
  }

  /** Every actor's answer about the resource. */
  of(resource: string): Iterable<T> {
    return this.#byResource.get(resource)?.values() ?? [];
  }

  /** Answers kept, all resources and actors together. */
  get size(): number {
    return this.#size;
  }

  /** Drops every answer `stale` says no longer serves. */
  prune(stale: (value: T) => boolean): void {
    for (const [resource, byActor] of this.#byResource) {
      for (const [actor, value] of byActor) if (stale(value)) this.delete(resource, actor);
    }
  }
}
