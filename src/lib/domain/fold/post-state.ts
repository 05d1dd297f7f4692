import type { Hiding } from '../authority.ts';
import { hlcMs, type Hlc } from '../hlc.ts';
import type { AuthorKey, PostId, RecordId } from '../ids.ts';
import { editedBody } from '../kinds/edit.ts';
import type { PostBody } from '../kinds/post.ts';
import type { VerifiedRecord } from '../kinds/registry.ts';
import type { UpdateAction } from '../kinds/update.ts';

/** A post with its current status, as every peer computes it from the same records. */
export interface PostState {
  readonly id: PostId;
  readonly author: AuthorKey;
  readonly at: Hlc;
  /** What the post says now: its author's latest edit applied. */
  readonly body: PostBody;
  /** When its author last edited it, if they did. */
  readonly editedAtMs?: number;
  readonly status: 'open' | 'resolved' | 'withdrawn';
  /** When the post was published or last renewed: expiry counts from here. */
  readonly activeSinceMs: number;
  /** Time of the latest accepted record about this post. */
  readonly lastActivityMs: number;
  /** Notes of progress, oldest first; each keyed by its update's id, unique by construction. */
  readonly progress: readonly { readonly id: RecordId; readonly at: Hlc; readonly note: string }[];
  /** Hidden by a volunteer: shown to its author only, with the reason. */
  readonly hidden?: Hiding;
}

/**
 * A post's state from its record, its updates that count (in time order) and its latest edit that
 * counts: the status the updates leave it in, when it was last renewed and last active, its
 * progress notes, and what it says with the edit applied.
 */
export function postState(
  record: VerifiedRecord<'post'>,
  updates: readonly VerifiedRecord<'update'>[],
  edit: VerifiedRecord<'edit'> | undefined,
  hidden: Hiding | undefined,
): PostState {
  let status: PostState['status'] = 'open';
  let activeSinceMs = hlcMs(record.at);
  let lastActivityMs = activeSinceMs;
  const progress: { id: RecordId; at: Hlc; note: string }[] = [];
  for (const update of updates) {
    const ms = hlcMs(update.at);
    lastActivityMs = Math.max(lastActivityMs, ms);
    status = nextStatus(status, update.body.action);
    if (update.body.action === 'renew') activeSinceMs = Math.max(activeSinceMs, ms);
    if (update.body.note) progress.push({ id: update.id, at: update.at, note: update.body.note });
  }
  const editedAtMs = edit ? hlcMs(edit.at) : undefined;
  if (editedAtMs !== undefined) lastActivityMs = Math.max(lastActivityMs, editedAtMs);
  return {
    id: record.id as PostId,
    author: record.author,
    at: record.at,
    body: edit ? editedBody(record.body, edit.body) : record.body,
    ...(editedAtMs !== undefined ? { editedAtMs } : {}),
    status,
    activeSinceMs,
    lastActivityMs,
    progress,
    ...(hidden ? { hidden } : {}),
  };
}

function nextStatus(current: PostState['status'], action: UpdateAction): PostState['status'] {
  switch (action) {
    case 'resolve':
      return 'resolved';
    case 'withdraw':
      return 'withdrawn';
    case 'renew':
      return 'open';
    case 'progress':
      return current;
  }
}
