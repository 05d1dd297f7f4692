import { assert } from '../domain/assert.ts';
import type { AnyRecord } from '../domain/kinds/registry.ts';
import type { IncomingUpdate, MapWriter, SharedRecords, WriteOrigin } from './records-map.ts';
import { storedForm } from './stored-form.ts';

/**
 * The shared map of records before the square's document is there: the board opens from the
 * vault and the list paints while yjs is still being fetched (it is not in the first load). Until
 * `bind` hands over the real map, reads find nothing and writes wait, in order.
 */
export class DeferredRecordsMap implements SharedRecords {
  #map: SharedRecords | null = null;
  readonly #waiting: [WriteOrigin, (writer: MapWriter) => void][] = [];

  /** Whether the real map is here. */
  get bound(): boolean {
    return this.#map !== null;
  }

  /** Hands over the real map and applies the writes that waited for it. */
  bind(map: SharedRecords): void {
    assert(this.#map === null, 'the records map is bound once');
    this.#map = map;
    for (const [origin, batch] of this.#waiting.splice(0)) map.write(origin, batch);
  }

  /** Hands over the map of a fresh document (a new epoch): from now on reads and writes go there. */
  rebind(map: SharedRecords): void {
    assert(this.#map !== null, 'a records map is bound before it is replaced');
    this.#map = map;
  }

  get(key: string): unknown {
    return this.#map?.get(key);
  }

  has(key: string): boolean {
    return this.#map?.has(key) ?? false;
  }

  keys(): IterableIterator<string> {
    return this.#map?.keys() ?? new Map<string, never>().keys();
  }

  holds(record: AnyRecord): boolean {
    return this.#map?.holds(record) ?? false;
  }

  storedForm(record: AnyRecord): string {
    return this.#map?.storedForm(record) ?? storedForm(record);
  }

  forget(id: string): void {
    this.#map?.forget(id);
  }

  write(origin: WriteOrigin, batch: (writer: MapWriter) => void): void {
    if (this.#map) this.#map.write(origin, batch);
    else this.#waiting.push([origin, batch]);
  }

  /** Nothing is live in a document not loaded yet, so no update can remove anything from it. */
  read(update: Uint8Array): IncomingUpdate {
    return this.#map?.read(update) ?? { deleted: new Set(), overwritten: new Set(), without: () => [update] };
  }

  bytes(): number {
    return this.#map?.bytes() ?? 0;
  }

  observeRemote(listener: (keys: ReadonlySet<string>) => void): () => void {
    assert(this.#map !== null, 'the records map is bound before it is observed');
    return this.#map.observeRemote(listener);
  }
}
