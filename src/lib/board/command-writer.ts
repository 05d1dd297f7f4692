import { signRecord, type Identity } from '../crypto/signing.ts';
import { RECORD_VERSION } from '../domain/envelope.ts';
import type { BoardView } from '../domain/fold/board-view.ts';
import type { Hlc, HybridClock } from '../domain/hlc.ts';
import type { RecordId } from '../domain/ids.ts';
import type { Authored, KindRule } from '../domain/kinds/kind.ts';
import { checkBody } from '../domain/kinds/parse.ts';
import { KINDS, type AnyRecord, type BodyByKind, type RecordKind } from '../domain/kinds/registry.ts';
import { refused, type Verdict } from '../domain/reasons.ts';
import type { CommandResult } from './commands.ts';

/** What signs a resident's records on a board: its key, its state, its clock, and where records go. */
export interface RecordWriter {
  readonly identity: Identity;
  readonly view: BoardView;
  readonly clock: HybridClock;
  publish(record: AnyRecord): void;
}

/**
 * Checks a body with its kind's schema and the author with its kind's `authorise` (and the fold's
 * judgements over the author's other records), signs, judges again, and publishes.
 */
export async function writeRecord<K extends RecordKind>(
  writer: RecordWriter,
  kind: K,
  input: unknown,
): Promise<CommandResult> {
  const body = checkBody(kind, input);
  if (!body.ok) return body;
  const at = writer.clock.tick();
  const allowed = authorise(writer, kind, body.value, at);
  if (!allowed.ok) return allowed;
  const record = (await signRecord(
    { v: RECORD_VERSION, kind, author: writer.identity.author, at, body: body.value },
    writer.identity,
  )) as AnyRecord;
  // The subject may have changed while we signed (a post pruned): judge again.
  const still = authorise(writer, kind, body.value, at);
  if (!still.ok) return still;
  writer.publish(record);
  return { ok: true, id: record.id };
}

function authorise<K extends RecordKind>(writer: RecordWriter, kind: K, body: BodyByKind[K], at: Hlc): Verdict {
  const view = writer.view;
  const rule = KINDS[kind] as KindRule<BodyByKind[K], unknown>;
  const authored = { author: writer.identity.author, at, body };
  const authority = view.authority;
  if (authority.isBlocked(authored.author)) return { ok: false, reason: 'blocked' };
  const verdict = rule.authorise(authored, subjectOf(view, rule, kind, authored), authority);
  if (!verdict.ok) return verdict;
  // Some kinds are also judged with the author's other records, as the fold will on every device.
  const candidate = { kind, body } as AnyRecord;
  if (candidate.kind === 'post') return view.judgeNewPost(authored.author, at);
  if (candidate.kind === 'claim') return view.judgeClaim(authored.author, candidate.body);
  if (candidate.kind === 'draw' && view.stockOffer(candidate.body.offer)?.draw) return refused('already-drawn');
  return verdict;
}

/** What a record about to be signed is judged against: its post, offer or claim. */
function subjectOf<K extends RecordKind>(
  view: BoardView,
  rule: KindRule<BodyByKind[K], unknown>,
  kind: K,
  authored: Authored<BodyByKind[K]>,
): unknown {
  const candidate = { kind, body: authored.body } as AnyRecord;
  if (candidate.kind === 'claim' || candidate.kind === 'draw') return view.stockOffer(candidate.body.offer);
  if (candidate.kind === 'handover') return view.claimSubject(candidate.body.claim);
  if (candidate.kind === 'stock') return view.stockSite();
  if (candidate.kind === 'message') return view.messageSubject(candidate.body);
  // NOTE: an unsigned record has no id yet (''), so only a record about another one has a subject.
  const subjectId = rule.subjectOf({ ...authored, id: '' as RecordId });
  return subjectId ? view.post(subjectId) : undefined;
}
