import type { Signed, Unsigned, Verified } from '../envelope.ts';
import { assert } from '../assert.ts';
import type { RecordId } from '../ids.ts';
import type { ClaimBody } from './claim.ts';
import type { DrawBody } from './draw.ts';
import { editKind, type EditBody, type EditSubject } from './edit.ts';
import type { EpochBody } from './epoch.ts';
import { eraseKind, type EraseBody } from './erase.ts';
import type { HandoverBody, ClaimSubject } from './handover.ts';
import type { FollowupBody } from './followup.ts';
import type { KindRule } from './kind.ts';
import type { MessageBody, MessageSubject } from './message.ts';
import { moderationKind, type ModerationBody } from './moderation.ts';
import type { MoveBody } from './move.ts';
import { postKind, type PostBody, type PostSubject } from './post.ts';
import { profileKind, type ProfileBody } from './profile.ts';
import { reportKind, type ReportBody } from './report.ts';
import { roleKind, type RoleBody } from './role.ts';
import { siteKind, type SiteBody } from './site.ts';
import { squareKind, type SquareBody } from './square.ts';
import type { StockBody, StockSite, StockSubject } from './stock.ts';
import { updateKind, type UpdateBody } from './update.ts';
import { vouchKind, type VouchBody } from './vouch.ts';

/** Each kind's body type. A new kind adds a line here and one in KINDS. */
export interface BodyByKind {
  square: SquareBody;
  profile: ProfileBody;
  post: PostBody;
  update: UpdateBody;
  edit: EditBody;
  erase: EraseBody;
  role: RoleBody;
  vouch: VouchBody;
  moderation: ModerationBody;
  report: ReportBody;
  message: MessageBody;
  site: SiteBody;
  move: MoveBody;
  stock: StockBody;
  claim: ClaimBody;
  draw: DrawBody;
  handover: HandoverBody;
  followup: FollowupBody;
  epoch: EpochBody;
}
export type RecordKind = keyof BodyByKind;

/** What each kind's rule judges against: the state of the record's subject. */
interface SubjectByKind {
  square: never;
  profile: never;
  post: never;
  update: PostSubject;
  edit: EditSubject;
  erase: PostSubject;
  role: never;
  vouch: never;
  moderation: never;
  report: PostSubject;
  message: MessageSubject;
  site: never;
  move: never;
  stock: StockSite;
  claim: StockSubject;
  draw: StockSubject;
  handover: ClaimSubject;
  followup: PostSubject;
  epoch: never;
}

/**
 * The kinds the list's first paint does not need: their rules and fold slices come in a chunk of
 * their own (domain/late-kinds.ts), loaded right after it. Until then a record of one of them is
 * known and held, never judged (fold/board-fold.ts).
 */
export const LATE_KINDS = ['message', 'move', 'stock', 'claim', 'draw', 'handover', 'followup', 'epoch'] as const;
export type LateKind = (typeof LATE_KINDS)[number];

type Rules<K extends RecordKind> = { readonly [P in K]: KindRule<BodyByKind[P], SubjectByKind[P]> };
/** The late kinds' rules, as their chunk brings them to `extendKinds`. */
export type LateRules = Rules<LateKind>;

const rules: Partial<Rules<RecordKind>> = {
  square: squareKind,
  profile: profileKind,
  post: postKind,
  update: updateKind,
  edit: editKind,
  erase: eraseKind,
  role: roleKind,
  vouch: vouchKind,
  moderation: moderationKind,
  report: reportKind,
  site: siteKind,
};

/**
 * Every kind's rule. NOTE: a late kind's is here once `extendKinds` ran; only the modules of the
 * late chunk (which run after it) read one by name, and generic readers ask `isReadable` first.
 */
export const KINDS = rules as Rules<RecordKind>;

/** Adds the late kinds' rules (from their chunk) to the registry; once is enough, twice is harmless. */
export function extendKinds(late: LateRules): void {
  Object.assign(rules, late);
}

export type UnsignedRecord<K extends RecordKind = RecordKind> = Unsigned<K, BodyByKind[K]>;
export type SignedRecord<K extends RecordKind = RecordKind> = Signed<K, BodyByKind[K]>;
export type VerifiedRecord<K extends RecordKind = RecordKind> = Verified<K, BodyByKind[K]>;
/** Any record kind, discriminated on `kind`. */
export type AnyRecord = { [K in RecordKind]: VerifiedRecord<K> }[RecordKind];

const NAMES: ReadonlySet<string> = new Set<string>([...Object.keys(rules), ...LATE_KINDS]);

/** Whether this version knows the kind, its rule loaded or not. */
export function isKnownKind(kind: string): kind is RecordKind {
  return NAMES.has(kind);
}

/** Whether the kind's rule is here: an early kind, or a late one once its chunk arrived. */
export function isReadable(kind: RecordKind): boolean {
  return Object.hasOwn(rules, kind);
}

/** The record a record is about, by its kind's rule (a post is its own subject). */
export function subjectOf(record: AnyRecord): RecordId | null {
  assert(isReadable(record.kind), 'a late kind is read once its chunk has arrived');
  return (KINDS[record.kind].subjectOf as (r: AnyRecord) => RecordId | null)(record);
}
