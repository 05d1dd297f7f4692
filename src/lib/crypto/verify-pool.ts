import { checkEntry } from './check-entry.ts';
import { InProcessSignatureVerifier, type EntryCheck, type SignatureVerifier } from './signature-verifier.ts';

/**
 * Records per message to a worker: enough to make a message's cost small beside the checks, few
 * enough that one slice of a newcomer's ingest spreads over every worker.
 */
export const POOL_BATCH = 250;
/** Workers at most, whatever the device has: WebCrypto does the work on threads of its own. */
export const MAX_WORKERS = 4;

/** A request to a worker: check these entries (JSON text, as stored). */
export interface VerifyRequest {
  readonly id: number;
  readonly texts: readonly string[];
}

/** A worker's answer: the check of each entry of request `id`, in order. */
export interface VerifyResponse {
  readonly id: number;
  readonly checks: readonly EntryCheck[];
}

/** The pool's end of a worker: a `Worker` in the page, a `MessagePort` in tests. */
export interface VerifyPort {
  postMessage(message: VerifyRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<VerifyResponse>) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (event: Event) => void): void;
  terminate(): void;
}

/** The worker's end: its global scope in the page, a `MessagePort` in tests. */
export interface VerifyEndpoint {
  postMessage(message: VerifyResponse): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<VerifyRequest>) => void): void;
}

/** What a verification worker does: answers each request with the checks of its entries. */
export function serveVerification(endpoint: VerifyEndpoint): void {
  endpoint.addEventListener('message', ({ data: { id, texts } }) => {
    void Promise.all(texts.map(checkEntry)).then((checks) => endpoint.postMessage({ id, checks }));
  });
}

interface PoolWorker {
  readonly port: VerifyPort;
  /** Requests sent and not answered, by id: their entries, to check here if the worker fails. */
  readonly pending: Map<number, { readonly texts: readonly string[]; readonly done: (c: EntryCheck[]) => void }>;
  /** Entries sent and not answered: the pool sends to the least loaded worker. */
  load: number;
}

/**
 * Verifies in a pool of workers, spawned when prepared or first needed, so the page's thread only folds
 * records while they are parsed, checked against their kind's schema and their signatures
 * checked elsewhere. A worker that fails (it could not load,
 * or a message could not be read) turns the pool into an in-process verifier: what it had not
 * answered is checked here, so no record is lost or taken unchecked.
 */
export class WorkerPoolVerifier implements SignatureVerifier {
  readonly #spawn: () => VerifyPort;
  readonly #size: number;
  readonly #workers: PoolWorker[] = [];
  readonly #fallback = new InProcessSignatureVerifier();
  #failed = false;
  #ids = 0;

  /** `spawn` starts one worker running `serveVerification`; at most `size` run at once. */
  constructor(spawn: () => VerifyPort, size: number) {
    this.#spawn = spawn;
    this.#size = Math.max(1, Math.min(MAX_WORKERS, size));
  }

  /** Whether the workers failed and verification went back to this thread. */
  get failed(): boolean {
    return this.#failed;
  }

  async verify(texts: readonly string[]): Promise<EntryCheck[]> {
    const batches: (readonly string[])[] = [];
    for (let start = 0; start < texts.length; start += POOL_BATCH) batches.push(texts.slice(start, start + POOL_BATCH));
    return (await Promise.all(batches.map((batch) => this.#send(batch)))).flat();
  }

  /**
   * Starts every worker now. NOTE: a worker started during a transfer began checking 0.4–0.5 s
   * after it was made (a newcomer's page thread was busy with the pieces arriving); started
   * when the board attaches, it is ready before the first piece.
   */
  prepare(): void {
    if (this.#failed) return;
    while (this.#workers.length < this.#size) this.#start();
  }

  /** Stops the workers; later calls verify in this thread. */
  destroy(): void {
    this.#fail();
  }

  #send(texts: readonly string[]): Promise<EntryCheck[]> {
    if (this.#failed) return this.#fallback.verify(texts);
    return new Promise((resolve) => {
      const worker = this.#leastLoaded();
      const id = ++this.#ids;
      worker.pending.set(id, { texts, done: resolve });
      worker.load += texts.length;
      try {
        worker.port.postMessage({ id, texts });
      } catch (error) {
        console.warn('kaifong: verification worker unusable, verifying in the page', error);
        this.#fail();
      }
    });
  }

  #leastLoaded(): PoolWorker {
    const idle = this.#workers.find((worker) => worker.load === 0);
    if (idle) return idle;
    if (this.#workers.length < this.#size) return this.#start();
    return this.#workers.reduce((least, worker) => (worker.load < least.load ? worker : least));
  }

  #start(): PoolWorker {
    const port = this.#spawn();
    const worker: PoolWorker = { port, pending: new Map(), load: 0 };
    port.addEventListener('message', ({ data: { id, checks } }) => {
      const request = worker.pending.get(id);
      if (!request) return;
      worker.pending.delete(id);
      worker.load -= request.texts.length;
      request.done([...checks]);
    });
    const fail = (event: Event) => {
      console.warn('kaifong: verification worker failed, verifying in the page', event);
      this.#fail();
    };
    port.addEventListener('error', fail);
    port.addEventListener('messageerror', fail);
    this.#workers.push(worker);
    return worker;
  }

  /** Checks in this thread what the workers had not answered, and from now on everything. */
  #fail(): void {
    this.#failed = true;
    for (const worker of this.#workers.splice(0)) {
      worker.port.terminate();
      for (const { texts, done } of worker.pending.values()) void this.#fallback.verify(texts).then(done);
      worker.pending.clear();
    }
  }
}
