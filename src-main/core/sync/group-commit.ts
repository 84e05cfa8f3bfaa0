/**
 * The shared mark-sent transactions of one relay pass. Each slot records its
 * answer through `record()`; a record waits until every other slot still in
 * the pass has an answer waiting too (or `maxWaitMs` has passed), and then
 * all of them are committed together: one transaction, one fsync.
 *
 * Why waiting is free: the relay sends a slot's next request before it
 * records the previous answer, so while records wait the server already has
 * the next batches. On a slow disk (the relay's fsync queues behind the
 * server's) this halves the relay's fsyncs; on a fast one the commit of two
 * batches costs about what one did.
 *
 * A caller hears its result only after the commit: nothing is reported
 * before it is durable.
 */
export class GroupCommit<T, R> {
  private readonly waiting: { item: T; resolve: (result: R | null) => void; reject: (err: unknown) => void }[] = []
  private live: number
  private timer: ReturnType<typeof setTimeout> | null = null

  /**
   * `commit` records the items in one transaction and returns one result per
   * item, or null when nothing was recorded (the relay has stopped).
   */
  constructor(
    slots: number,
    private readonly commit: (items: T[]) => R[] | null,
    private readonly maxWaitMs: number,
  ) {
    this.live = slots
  }

  record(item: T): Promise<R | null> {
    return new Promise<R | null>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject })
      if (this.waiting.length >= this.live) this.flush()
      else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs)
    })
  }

  /** A slot has left the pass: the others stop waiting for it. */
  leave(): void {
    this.live = Math.max(0, this.live - 1)
    if (this.waiting.length > 0 && this.waiting.length >= this.live) this.flush()
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    const entries = this.waiting.splice(0)
    if (entries.length === 0) return
    let results: R[] | null
    try {
      results = this.commit(entries.map((e) => e.item))
    } catch (err) {
      for (const e of entries) e.reject(err)
      return
    }
    entries.forEach((e, i) => e.resolve(results?.[i] ?? null))
  }
}
