// Wakes waiting subscriptions when an append is notified. The generation counter closes the gap
// between "read found nothing" and "start waiting": a notification in between is not lost.
export class AppendSignal {
  private generation = 0;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.generation;
  }

  notify(): void {
    this.generation += 1;
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves on the next notification after `sinceGeneration`, on `interrupt`, or after `timeoutMs`. */
  wait(sinceGeneration: number, timeoutMs: number): { done: Promise<void>; interrupt: () => void } {
    let interrupt: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      if (this.generation !== sinceGeneration) return resolve();
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.waiters.add(finish);
      interrupt = finish;
    });
    return { done, interrupt };
  }
}
