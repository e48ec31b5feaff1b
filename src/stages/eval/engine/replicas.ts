// Spreads requests over server replicas: each request goes to the replica with the fewest requests in flight
// (round-robin among ties), so a slow replica gets fewer and none sits idle while another has a queue.

export class ReplicaPool {
  private readonly inFlight: number[];
  private next = 0;

  constructor(readonly names: readonly string[]) {
    if (names.length === 0) throw new Error("ReplicaPool needs at least one replica");
    this.inFlight = names.map(() => 0);
  }

  /** Runs `fn` on the least-loaded replica. */
  async use<T>(fn: (name: string) => Promise<T>): Promise<T> {
    let best = -1;
    for (let k = 0; k < this.names.length; k++) {
      const i = (this.next + k) % this.names.length;
      if (best < 0 || this.inFlight[i]! < this.inFlight[best]!) best = i;
    }
    this.next = (best + 1) % this.names.length;
    this.inFlight[best]!++;
    try {
      return await fn(this.names[best]!);
    } finally {
      this.inFlight[best]!--;
    }
  }

  load(): number[] {
    return [...this.inFlight];
  }
}
