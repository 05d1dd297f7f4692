// A turn's frames, batched per topic: every publish of a room within one turn of the event loop
// leaves for each of its receivers in one write of one buffer, joined once for the whole room.
// Without batching fan-out made one system call per delivered frame (two-thirds of the server's
// time under load); corking each socket and writing its frames one by one cost a stream entry and
// a writev slot per delivery, and a quarter of the time went to collecting them.

/**
 * Bytes of one topic's frames held before they leave at once: a receiver in a busy room (a
 * compound reconnecting at once) gets its frames as they come rather than piling up towards the
 * slow-receiver bound (MAX_BUFFERED_BYTES) within one turn while it reads perfectly well.
 */
export const MAX_TOPIC_BATCH_BYTES = 64 * 1024;

/**
 * Bytes held in one turn, counted once per receiver, before every batch leaves at once: bounds what
 * a turn holds back. NOTE: far above one saturated turn of the bench (5,000 clients, about 20 MB of
 * deliveries a turn) by design: measured side by side, a bound of 256 KiB or 4 MiB split such a turn
 * into batches of one or two frames a socket and cost 1.6 × the CPU per delivery of whole turns,
 * with twice their p99 latency (a turn is shorter than its system calls).
 */
export const MAX_BATCH_BYTES = 64 * 1024 * 1024;

/** One topic's frames of this turn, in the order they were published. */
export interface Batch {
  readonly frames: Buffer[];
  /** Bytes of the frames. */
  bytes: number;
}

export class Outbox<K> {
  #batches = new Map<K, Batch>();
  #bytes = 0;
  #scheduled = false;

  /** `send` writes a batch (`data`: its frames joined) to the topic's receivers of the moment. */
  constructor(private readonly send: (key: K, data: Buffer, batch: Batch) => void) {}

  /** Queue `frame` for `key`'s `receivers` receivers; it leaves when the turn ends, or sooner past a bound. */
  add(key: K, frame: Buffer, receivers: number): void {
    let batch = this.#batches.get(key);
    if (batch === undefined) {
      batch = { frames: [], bytes: 0 };
      this.#batches.set(key, batch);
      if (!this.#scheduled) {
        this.#scheduled = true;
        // setImmediate runs after every socket read of this turn (the poll phase) has been handled
        setImmediate(this.#flushAll);
      }
    }
    batch.frames.push(frame);
    batch.bytes += frame.length;
    if (batch.bytes > MAX_TOPIC_BATCH_BYTES) this.flush(key);
    if ((this.#bytes += frame.length * receivers) > MAX_BATCH_BYTES) this.#flushAll();
  }

  /** Send `key`'s frames now: before its receivers change, so each frame reaches those of its time. */
  flush(key: K): void {
    const batch = this.#batches.get(key);
    if (batch === undefined) return;
    this.#batches.delete(key);
    this.#send(key, batch);
  }

  readonly #flushAll = (): void => {
    this.#scheduled = false;
    const batches = this.#batches;
    this.#batches = new Map();
    this.#bytes = 0;
    for (const [key, batch] of batches) this.#send(key, batch);
  };

  #send(key: K, batch: Batch): void {
    const { frames } = batch;
    this.send(key, frames.length === 1 ? frames[0]! : Buffer.concat(frames, batch.bytes), batch);
  }
}
