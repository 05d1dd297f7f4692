import * as v from 'valibot';
import canonicalize from 'canonicalize';
import { CATALOGUE_IDS, checkQuantity } from './catalogue.ts';
import { HLC_PATTERN, type Hlc } from './hlc.ts';
import type { AuthorKey, RecordId } from './ids.ts';

/**
 * The shared state of a square is a set of signed, immutable records. This module defines
 * their shapes, parses untrusted input into them and produces the bytes that are signed.
 */
export const RECORD_VERSION = 1;

export const POST_TYPES = ['need', 'offer', 'swap'] as const;
export type PostType = (typeof POST_TYPES)[number];

export const URGENCIES = ['urgent', 'soon', 'stocking'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const VULNERABLE_GROUPS = ['pregnant', 'child', 'elderly', 'chronic', 'disability'] as const;
export type VulnerableGroup = (typeof VULNERABLE_GROUPS)[number];

export const UPDATE_ACTIONS = ['progress', 'resolve', 'withdraw', 'renew'] as const;
export type UpdateAction = (typeof UPDATE_ACTIONS)[number];

/** Limits on free text and list sizes, so one record cannot bloat every device. */
export const LIMITS = {
  name: 40,
  squareName: 80,
  building: 40,
  floor: 20,
  note: 1000,
  itemText: 80,
  itemsPerPost: 10,
  updateNote: 500,
  retentionDays: 365,
} as const;

const AUTHOR_PATTERN = /^(ed25519|p256):[A-Za-z0-9_-]{43,88}$/;
const RECORD_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const SIG_PATTERN = /^[A-Za-z0-9_-]{80,200}$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const text = (max: number) => v.pipe(v.string(), v.trim(), v.maxLength(max));
const requiredText = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));

const ItemLineSchema = v.pipe(
  v.strictObject({
    item: v.picklist(CATALOGUE_IDS),
    qty: v.pipe(v.number(), v.integer(), v.minValue(1)),
    text: v.optional(text(LIMITS.itemText)),
  }),
  v.check((line) => checkQuantity(line.item, line.qty) !== 'refused', 'quantity refused'),
  v.check((line) => line.item !== 'other' || (line.text ?? '').length > 0, 'other needs a description'),
);
const ItemListSchema = v.pipe(v.array(ItemLineSchema), v.minLength(1), v.maxLength(LIMITS.itemsPerPost));

export const PostBodySchema = v.pipe(
  v.strictObject({
    type: v.picklist(POST_TYPES),
    items: ItemListSchema,
    wants: v.optional(ItemListSchema),
    urgency: v.picklist(URGENCIES),
    groups: v.pipe(
      v.array(v.picklist(VULNERABLE_GROUPS)),
      v.check((groups) => new Set(groups).size === groups.length, 'duplicate group'),
    ),
    where: v.strictObject({ building: text(LIMITS.building), floor: text(LIMITS.floor) }),
    note: text(LIMITS.note),
    medicineExpiry: v.optional(v.pipe(v.string(), v.regex(DATE_PATTERN))),
  }),
  v.check((post) => (post.type === 'swap') === (post.wants !== undefined), 'swaps, and only swaps, say what is wanted'),
  v.check((post) => post.type !== 'need' || post.medicineExpiry === undefined, 'needs have no expiry date'),
);

export const UpdateBodySchema = v.strictObject({
  post: v.pipe(v.string(), v.regex(RECORD_ID_PATTERN)),
  action: v.picklist(UPDATE_ACTIONS),
  note: v.optional(text(LIMITS.updateNote)),
});

export const ProfileBodySchema = v.strictObject({
  name: requiredText(LIMITS.name),
  building: v.optional(text(LIMITS.building)),
});

export const SquareBodySchema = v.strictObject({
  name: requiredText(LIMITS.squareName),
  /** Days a closed post stays in the live square before every device drops it. */
  retentionDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.retentionDays))),
});

export type ItemLine = v.InferOutput<typeof ItemLineSchema>;
export type PostBody = v.InferOutput<typeof PostBodySchema>;
export type UpdateBody = Omit<v.InferOutput<typeof UpdateBodySchema>, 'post'> & { post: RecordId };
export type ProfileBody = v.InferOutput<typeof ProfileBodySchema>;
export type SquareBody = v.InferOutput<typeof SquareBodySchema>;

interface BodyByKind {
  square: SquareBody;
  profile: ProfileBody;
  post: PostBody;
  update: UpdateBody;
}
export type RecordKind = keyof BodyByKind;

const BODY_SCHEMAS = {
  square: SquareBodySchema,
  profile: ProfileBodySchema,
  post: PostBodySchema,
  update: UpdateBodySchema,
} as const;

/** A record before signing: everything the signature covers. */
export interface UnsignedRecord<K extends RecordKind = RecordKind> {
  readonly v: typeof RECORD_VERSION;
  readonly kind: K;
  readonly author: AuthorKey;
  readonly at: Hlc;
  readonly body: BodyByKind[K];
}

/** A record as stored in the shared map and the vault. */
export type SignedRecord<K extends RecordKind = RecordKind> = UnsignedRecord<K> & { readonly sig: string };

/** A signed record whose signature has been verified, with its content-derived id. */
export type VerifiedRecord<K extends RecordKind = RecordKind> = SignedRecord<K> & { readonly id: RecordId };

/** Any record kind, discriminated on `kind`. */
export type AnyRecord = { [K in RecordKind]: VerifiedRecord<K> }[RecordKind];

const EnvelopeSchema = v.strictObject({
  v: v.literal(RECORD_VERSION),
  kind: v.picklist(Object.keys(BODY_SCHEMAS) as RecordKind[]),
  author: v.pipe(v.string(), v.regex(AUTHOR_PATTERN)),
  at: v.pipe(v.string(), v.regex(HLC_PATTERN)),
  body: v.unknown(),
  sig: v.pipe(v.string(), v.regex(SIG_PATTERN)),
});

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Parses untrusted data (from a peer, a file or storage) into a signed record.
 * Never throws. Bodies are checked structurally; the record is re-encoded from the parsed
 * value so unknown fields never reach the signature check.
 */
export function parseRecord(input: unknown): ParseResult<SignedRecord> {
  const envelope = v.safeParse(EnvelopeSchema, input);
  if (!envelope.success) return { ok: false, reason: `envelope: ${envelope.issues[0].message}` };
  const { kind } = envelope.output;
  const body = v.safeParse(BODY_SCHEMAS[kind], envelope.output.body);
  if (!body.success) return { ok: false, reason: `${kind}: ${body.issues[0].message}` };
  // A trimmed or otherwise normalised body would no longer match its signature.
  if (canonicalize(body.output) !== canonicalize(envelope.output.body)) {
    return { ok: false, reason: `${kind}: body is not in normal form` };
  }
  return { ok: true, value: { ...envelope.output, body: body.output } as SignedRecord };
}

/** Checks a body a local user is about to sign; returns the first problem found. */
export function checkBody<K extends RecordKind>(kind: K, body: unknown): ParseResult<BodyByKind[K]> {
  const result = v.safeParse(BODY_SCHEMAS[kind], body);
  return result.success
    ? { ok: true, value: result.output as BodyByKind[K] }
    : { ok: false, reason: result.issues[0].message };
}

/** The exact text that is signed and hashed (as UTF-8): RFC 8785 canonical JSON of the unsigned record. */
export function signingText(record: UnsignedRecord): string {
  const { v: version, kind, author, at, body } = record;
  const json = canonicalize({ v: version, kind, author, at, body });
  if (json === undefined) throw new Error('record cannot be canonicalised');
  return json;
}
