// A concurrency limit that, when a slot frees, starts the waiting task with the lowest order (the earliest item),
// not the first that arrived. The recipe runs every item through its steps at once; ordered by item, the early items
// finish first and the work in progress stays near the concurrency rather than spreading over the whole input.
export class PriorityLimit {
  private active = 0;
  /** Binary min-heap on (order, arrival). */
  private readonly heap: Array<{ order: number; seq: number; start: () => void }> = [];
  private seq = 0;

  constructor(readonly concurrency: number) {}

  run<T>(order: number, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.active++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.active--;
            this.next();
          });
      };
      this.push({ order, seq: this.seq++, start });
      this.next();
    });
  }

  private next(): void {
    while (this.active < this.concurrency && this.heap.length) this.pop().start();
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.order < y.order || (x.order === y.order && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    [this.heap[a], this.heap[b]] = [this.heap[b]!, this.heap[a]!];
  }

  private push(entry: { order: number; seq: number; start: () => void }): void {
    this.heap.push(entry);
    for (let i = this.heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): { order: number; seq: number; start: () => void } {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length) {
      this.heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.less(l, m)) m = l;
        if (r < this.heap.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}
