/** Builders shared by the unit tests: bodies, timestamps, signed records and post states. */
import { signRecord, type Identity } from '../../src/lib/crypto/signing.ts';
import { encodeHlc, type Hlc } from '../../src/lib/domain/hlc.ts';
import type { AuthorKey, PostId, RecordId } from '../../src/lib/domain/ids.ts';
import type { PostState } from '../../src/lib/domain/fold/post-state.ts';
import { RECORD_VERSION } from '../../src/lib/domain/envelope.ts';
import type { AnyRecord, RecordKind, SignedRecord, UnsignedRecord } from '../../src/lib/domain/kinds/registry.ts';
import type { PostBody } from '../../src/lib/domain/kinds/post.ts';
import type { UpdateAction } from '../../src/lib/domain/kinds/update.ts';
import { seedCommitment } from '../../src/lib/domain/kinds/draw.ts';
import type { StockBody } from '../../src/lib/domain/kinds/stock.ts';
import type { StockDraft } from '../../src/lib/state/stock.svelte.ts';
import { identityFromSeed } from '../support/peers.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
/** 20 December 2022, 09:00 UTC: a morning of the 2022 wave. */
export const T0 = Date.UTC(2022, 11, 20, 9);

export function hlc(ms: number, counter = 0): Hlc {
  return encodeHlc({ ms, counter });
}

/** A deterministic identity; the same n gives the same key. */
export function identity(n: number): Promise<Identity> {
  return identityFromSeed(new Uint8Array(32).fill(n));
}

/** A stock offer of 10 masks at Lobby B: claims for 30 minutes from `opens`, one slot of one place an hour on. */
export function maskOffer(opens = T0, overrides: Partial<StockDraft> = {}): StockDraft {
  return {
    item: 'surgical-mask',
    total: 10,
    perHousehold: 5,
    rollingHours: 24,
    opens,
    closes: opens + 30 * MINUTE,
    slots: [{ point: 'Lobby B', start: opens + HOUR, end: opens + 2 * HOUR, capacity: 1 }],
    delivery: 0,
    priority: [],
    ...overrides,
  };
}

/** The mask offer opening at T0, as a stock record's body: committed to the draw with `seed`. */
export function committedOffer(seed: string, overrides: Partial<StockBody> = {}): StockBody {
  return { ...maskOffer(T0), commit: seedCommitment(seed), ...overrides };
}

/** A valid need for paracetamol unless overridden. */
export function postBody(overrides: Partial<PostBody> = {}): PostBody {
  return {
    type: 'need',
    items: [{ item: 'paracetamol-500', qty: 2 }],
    urgency: 'soon',
    groups: [],
    where: { building: 'Block A', floor: '12' },
    note: '',
    ...overrides,
  };
}

/** Signs a record of any kind at a given wall time. */
export async function sign<K extends RecordKind>(
  who: Identity,
  kind: K,
  body: UnsignedRecord<K>['body'],
  ms: number,
  counter = 0,
): Promise<AnyRecord> {
  const unsigned = { v: RECORD_VERSION, kind, author: who.author, at: hlc(ms, counter), body } as UnsignedRecord;
  return (await signRecord(unsigned, who)) as AnyRecord;
}

export function signPost(who: Identity, body: PostBody, ms: number, counter = 0): Promise<AnyRecord> {
  return sign(who, 'post', body, ms, counter);
}

export function signUpdate(
  who: Identity,
  post: RecordId,
  action: UpdateAction,
  ms: number,
  note?: string,
  counter = 0,
): Promise<AnyRecord> {
  return sign(who, 'update', note === undefined ? { post, action } : { post, action, note }, ms, counter);
}

/** The form a record takes in the shared map: without its derived id. */
export function stored(record: AnyRecord): SignedRecord {
  const { id: _id, ...rest } = record;
  return rest as SignedRecord;
}

let fakeIds = 0;

/** A post state built by hand, for the pure view functions. */
export function postState(overrides: Partial<PostState> & { body?: PostBody } = {}): PostState {
  const at = overrides.at ?? hlc(T0);
  const ms = Number(at.slice(0, 16));
  return {
    id: `post-${String(++fakeIds).padStart(17, '0')}` as PostId,
    author: 'ed25519:someone' as AuthorKey,
    at,
    body: postBody(),
    status: 'open',
    activeSinceMs: ms,
    lastActivityMs: ms,
    progress: [],
    ...overrides,
  };
}
