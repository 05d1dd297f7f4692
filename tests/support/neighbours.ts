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
import type { AnyRecord, UnsignedRecord } from '../../src/lib/domain/kinds/registry.ts';
import { POST_LIMITS } from '../../src/lib/domain/limits.ts';

/** Signed posts (and optional progress notes by their authors), and the entries to write them. */
export interface NeighbourRecords {
  readonly postIds: PostId[];
  readonly records: AnyRecord[];
  /** [id, stored JSON text], as the shared map holds them. */
  readonly entries: [string, string][];
}

/**
 * Signs `bodies` as posts by fresh keys, `perKey` each (an unvouched key's open limit), dated in
 * the minute before `nowMs` and one millisecond apart, so they sort in the order given. Each post
 * gets the progress notes `notesFor(i)` returns, signed by its author.
 */
export async function neighbourPosts(
  bodies: readonly unknown[],
  nowMs = Date.now(),
  notesFor: (i: number) => readonly string[] = () => [],
  perKey: number = POST_LIMITS.openUnvouched,
): Promise<NeighbourRecords> {
  const start = nowMs - 60_000 - bodies.length * 2;
  let author: Identity | undefined;
  const sign = (who: Identity, kind: string, body: unknown, ms: number) =>
    signRecord(
      { v: RECORD_VERSION, kind, author: who.author, at: encodeHlc({ ms, counter: 0 }), body } as UnsignedRecord,
      who,
    );
  const postIds: PostId[] = [];
  const records: AnyRecord[] = [];
  for (const [i, body] of bodies.entries()) {
    if (i % perKey === 0) author = await generateIdentity();
    const post = (await sign(author!, 'post', body, start + i * 2)) as AnyRecord;
    postIds.push(post.id);
    records.push(post);
    for (const [k, note] of notesFor(i).entries()) {
      records.push(
        (await sign(
          author!,
          'update',
          { post: post.id, action: 'progress', note },
          start + i * 2 + 1 + k,
        )) as AnyRecord,
      );
    }
  }
  return { postIds, records, entries: records.map((r) => [r.id, storedForm(r)]) };
}
