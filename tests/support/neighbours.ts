/**
 * Many neighbours' posts, signed outside the app with keys of their own, as a busy square holds
 * them: each key stays within an unvouched key's limits (issue 10), so every device shows them
 * all. Seeding a large square from one page's own key would be held back by the limits the fold
 * enforces, as it should be. Shared by the e2e specs and the app benchmark.
 */
import { storedForm } from '../../src/lib/board/stored-form.ts';
import { generateIdentity, signRecord, type Identity } from '../../src/lib/crypto/signing.ts';
import { RECORD_VERSION } from '../../src/lib/domain/envelope.ts';
import { encodeHlc } from '../../src/lib/domain/hlc.ts';
import type { PostId } from '../../src/lib/domain/ids.ts';
import type { AnyRecord, RecordKind, UnsignedRecord } from '../../src/lib/domain/kinds/registry.ts';
import type { UpdateBody } from '../../src/lib/domain/kinds/update.ts';
import { POST_LIMITS } from '../../src/lib/domain/limits.ts';

/** Signed posts (and optional progress notes by their authors), and the entries to write them. */
export interface NeighbourRecords {
  readonly postIds: PostId[];
  readonly records: AnyRecord[];
  /** [id, stored JSON text], as the shared map holds them. */
  readonly entries: [string, string][];
}

/**
 * Many neighbours' keys, `perKey` posts each (an unvouched key's open limit by default), each
 * remembered as its posts' author so it can update them later. Signed in Node, with WebCrypto.
 */
export class NeighbourKeys {
  readonly #perKey: number;
  readonly #pool: readonly Identity[];
  /** Each turn of `perKey` posts, its key: chosen as the call is made, so concurrent calls agree. */
  readonly #turns = new Map<number, Promise<Identity>>();
  #posted = 0;
  readonly #authorOf = new Map<PostId, Identity>();

  /** `pool`: keys to post with in turn (residents with profiles, say); fresh keys without one. */
  constructor(perKey: number = POST_LIMITS.openUnvouched, pool: readonly Identity[] = []) {
    this.#perKey = perKey;
    this.#pool = pool;
  }

  /** A post by the current neighbour, or the next one once it has posted `perKey`. */
  async post(body: unknown, ms: number): Promise<AnyRecord> {
    const turn = Math.floor(this.#posted++ / this.#perKey);
    let key = this.#turns.get(turn);
    if (!key) {
      const pooled = this.#pool[turn % this.#pool.length];
      key = pooled ? Promise.resolve(pooled) : generateIdentity();
      this.#turns.set(turn, key);
    }
    const author = await key;
    const post = await signAs(author, 'post', body, ms);
    this.#authorOf.set(post.id, author);
    return post;
  }

  /** An update signed by the post's author. */
  update(post: PostId, body: Omit<UpdateBody, 'post'>, ms: number): Promise<AnyRecord> {
    const author = this.#authorOf.get(post);
    if (!author) throw new Error(`no neighbour wrote post ${post}`);
    return signAs(author, 'update', { post, ...body }, ms);
  }
}

/** Signs a record of any kind as `who`, at a wall time. */
export async function signAs(who: Identity, kind: RecordKind, body: unknown, ms: number): Promise<AnyRecord> {
  const at = encodeHlc({ ms, counter: 0 });
  return (await signRecord(
    { v: RECORD_VERSION, kind, author: who.author, at, body } as UnsignedRecord,
    who,
  )) as AnyRecord;
}

/** [id, stored JSON text], as the shared map holds records. */
export function entriesOf(records: readonly AnyRecord[]): [string, string][] {
  return records.map((r) => [r.id, storedForm(r)]);
}

/**
 * Signs `bodies` as posts by neighbours' keys (fresh ones, an unvouched key's open limit each, unless `keys` says otherwise), dated in
 * the minute before `nowMs` and one millisecond apart, so they sort in the order given. Each post
 * gets the progress notes `notesFor(i)` returns, signed by its author.
 */
export async function neighbourPosts(
  bodies: readonly unknown[],
  nowMs = Date.now(),
  notesFor: (i: number) => readonly string[] = () => [],
  keys: NeighbourKeys = new NeighbourKeys(),
): Promise<NeighbourRecords> {
  const start = nowMs - 60_000 - bodies.length * 2;
  const postIds: PostId[] = [];
  const records: AnyRecord[] = [];
  for (const [i, body] of bodies.entries()) {
    const post = await keys.post(body, start + i * 2);
    postIds.push(post.id);
    records.push(post);
    for (const [k, note] of notesFor(i).entries()) {
      records.push(await keys.update(post.id, { action: 'progress', note }, start + i * 2 + 1 + k));
    }
  }
  return { postIds, records, entries: entriesOf(records) };
}
