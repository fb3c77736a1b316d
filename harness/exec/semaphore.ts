// A counting semaphore: bounds the channels open at once on one SSH connection (sshd's MaxSessions).
export class Semaphore {
  private active = 0;
  private waiters: (() => void)[] = [];
  constructor(private readonly max: number) {}

  // Resolves when a slot is free.
  async acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve)); // the releaser hands its slot over
  }

  // Frees a slot (or hands it to the next waiter).
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }
}
