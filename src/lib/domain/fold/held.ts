import type { PostId, RecordId } from '../ids.ts';
import type { AnyRecord } from '../kinds/registry.ts';

/** The post a record of a late kind is about, if any: it goes when that post goes. */
export function postOfLate(record: AnyRecord): PostId | null {
  if (record.kind === 'followup') return record.body.post;
  return record.kind === 'message' && 'post' in record.body ? record.body.post : null;
}

/**
 * Records of the late kinds (kinds/registry.ts LATE_KINDS) a fold holds until their slices
 * arrive: known, never judged, never refused. Only what they share with posts is read of them,
 * so retention and erasure find them as they would find them folded.
 */
export class HeldRecords {
  readonly #records = new Map<RecordId, AnyRecord>();

  hold(record: AnyRecord): void {
    this.#records.set(record.id, record);
  }

  /** Ids of the held records about a post. */
  about(post: PostId): RecordId[] {
    return [...this.#records.values()].filter((record) => postOfLate(record) === post).map((record) => record.id);
  }

  /** Lets go of the held records about these posts (erased or pruned); returns their ids. */
  forgetPosts(posts: readonly PostId[]): RecordId[] {
    const gone = new Set(posts);
    const ids = [...this.#records.values()].filter((r) => gone.has(postOfLate(r) as PostId)).map((r) => r.id);
    for (const id of ids) this.#records.delete(id);
    return ids;
  }

  forget(id: RecordId): void {
    this.#records.delete(id);
  }

  /** Every held record, now to be folded; none is held after. */
  release(): AnyRecord[] {
    const records = [...this.#records.values()];
    this.#records.clear();
    return records;
  }
}
