/**
 * A FIFO of records between the socket and one consumer, with high and low water marks. Backpressure
 * policy: when `capacity` items are queued the producer is told to pause reading the socket; it is told
 * to resume once the consumer has drained the queue to half. The queue can exceed `capacity` by at most
 * the records of one socket chunk (decoding a chunk is not interrupted), so memory stays bounded
 * whatever the consumer's speed.
 */
export class RecordQueue<Item> {
  readonly #capacity: number;
  readonly #onFull: () => void;
  readonly #onDrained: () => void;
  #items: Item[] = [];
  #head = 0;
  #paused = false;
  #waiter: (() => void) | undefined;
  /** Largest number of items ever queued at once. */
  peakLength = 0;
  /** How many times the producer was paused. */
  pauseCount = 0;

  constructor(options: { capacity: number; onFull: () => void; onDrained: () => void }) {
    this.#capacity = options.capacity;
    this.#onFull = options.onFull;
    this.#onDrained = options.onDrained;
  }

  /** Items waiting for the consumer. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** True while the producer is asked to pause. */
  get paused(): boolean {
    return this.#paused;
  }

  push(item: Item): void {
    this.#items.push(item);
    const length = this.length;
    if (length > this.peakLength) this.peakLength = length;
    if (!this.#paused && length >= this.#capacity) {
      this.#paused = true;
      this.pauseCount++;
      this.#onFull();
    }
    this.wake();
  }

  /** The next item, or undefined when empty. */
  shift(): Item | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head]!;
    this.#items[this.#head] = undefined as Item;
    this.#head++;
    // Compact occasionally instead of Array#shift on every item (which is O(n)).
    if (this.#head >= 4096 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    if (this.#paused && this.length <= this.#capacity / 2) {
      this.#paused = false;
      this.#onDrained();
    }
    return item;
  }

  /** Resolves when an item is pushed or {@link wake} is called. */
  waitForItem(): Promise<void> {
    if (this.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  /** Wakes a waiting consumer (new item, or the stream ended). */
  wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}
