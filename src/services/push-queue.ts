/**
 * An async iterator fed by pushes: what a GraphQL subscription returns. Bounded, so a subscriber that
 * stops reading is cut off rather than growing the server's memory.
 */
export class PushQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private failed: ((err: Error) => void) | undefined;
  private done = false;
  private error: Error | undefined;

  constructor(
    private readonly onClose: () => void,
    private readonly maxBuffered = 10_000,
  ) {}

  push(item: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = this.failed = undefined;
      resolve({ value: item, done: false });
      return;
    }
    if (this.items.length >= this.maxBuffered) {
      this.fail(new Error(`subscriber fell more than ${this.maxBuffered} messages behind; resubscribe with after to resume`));
      return;
    }
    this.items.push(item);
  }

  fail(error: Error): void {
    if (this.done) return;
    this.error = error;
    if (this.failed) {
      const reject = this.failed;
      this.waiting = this.failed = undefined;
      this.finish();
      reject(error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.error) {
      const error = this.error;
      this.finish();
      return Promise.reject(error);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.items.length = 0;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = this.failed = undefined;
      resolve({ value: undefined, done: true });
    }
    this.onClose();
  }
}
