import { founderAuthority, trustAuthority, type Authority, type Hiding } from '../authority.ts';
import type { AuthorKey, PostId, RecordId } from '../ids.ts';
import { KINDS, type AnyRecord, type RecordKind, type VerifiedRecord } from '../kinds/registry.ts';
import { byTimeThenId } from './order.ts';

type Role = VerifiedRecord<'role'>;
type Vouch = VerifiedRecord<'vouch'>;
type Moderation = VerifiedRecord<'moderation'>;

/** A moderation record with whether it still counts: what "who moderated what and why" lists. */
export interface ModerationEntry {
  readonly record: Moderation;
  /** Allowed by the rules (written by a volunteer, not blocking a volunteer). */
  readonly valid: boolean;
  /** Taken back by a later undo. */
  readonly undone: boolean;
}

/**
 * The trust slice, folded before every other: roles, vouches and moderation make the Authority
 * the other slices judge with. It is recomputed from all its records whenever one arrives (they
 * are few next to posts), so the result depends only on the set of records:
 * - role records are replayed in time order from the invite's founder, so a hand-over passes the
 *   right to grant to the new founder from then on;
 * - vouches and moderation are judged with the roles that result (a volunteer whose role is
 *   revoked no longer vouches or hides, even for what they did before);
 * - a hide or block counts unless a valid undo names it.
 * When the authority changes, `settle` returns true and the fold re-judges the rest.
 */
export class TrustSlice {
  readonly kinds: readonly RecordKind[] = ['role', 'vouch', 'moderation'];
  readonly #root: AuthorKey;
  readonly #roles: Role[] = [];
  readonly #vouches: Vouch[] = [];
  readonly #moderation: Moderation[] = [];
  #authority: Authority;
  #summary = '';
  #entries: ModerationEntry[] = [];
  #vouchedBy = new Map<AuthorKey, AuthorKey[]>();
  #blockedOnce = new Set<AuthorKey>();
  #rejected = 0;
  #dirty = false;

  constructor(founder: AuthorKey) {
    this.#root = founder;
    this.#authority = founderAuthority(founder);
    this.#summary = summarise(founder, [], [], [], []);
  }

  get authority(): Authority {
    return this.#authority;
  }

  add(record: AnyRecord): void {
    if (record.kind === 'role') this.#roles.push(record);
    else if (record.kind === 'vouch') this.#vouches.push(record);
    else if (record.kind === 'moderation') this.#moderation.push(record);
    else return;
    this.#dirty = true;
  }

  /** Recomputes the authority; true if it changed. */
  settle(): boolean {
    if (!this.#dirty) return false;
    this.#dirty = false;
    let rejected = 0;

    // Roles, replayed in time order from the root of trust.
    let founder = this.#root;
    const volunteers = new Set<AuthorKey>();
    // Everyone who held a role at some point: their blocks name keys some device may hold blocked.
    const everModerated = new Set<AuthorKey>([founder]);
    for (const role of [...this.#roles].sort(byTimeThenId)) {
      const now = trustAuthority({ founder, volunteers, vouched: new Set(), blocked: new Set(), hidden: new Map() });
      if (!KINDS.role.authorise(role, undefined, now).ok) {
        rejected++;
        continue;
      }
      const { action, member } = role.body;
      if (action !== 'revoke-volunteer') everModerated.add(member);
      if (action === 'grant-volunteer') volunteers.add(member);
      else if (action === 'revoke-volunteer') volunteers.delete(member);
      else {
        founder = member;
        volunteers.delete(member);
      }
    }
    const roles = trustAuthority({ founder, volunteers, vouched: new Set(), blocked: new Set(), hidden: new Map() });

    // Moderation, judged with those roles; undos name the hides and blocks they take back.
    const byId = new Map<RecordId, Moderation>();
    const valid = new Set<RecordId>();
    for (const record of this.#moderation) {
      byId.set(record.id, record);
      if (KINDS.moderation.authorise(record, undefined, roles).ok) valid.add(record.id);
    }
    const undone = new Set<RecordId>();
    for (const record of this.#moderation) {
      if (record.body.action !== 'undo' || !valid.has(record.id)) continue;
      const target = byId.get(record.body.moderation);
      if (target && target.body.action !== 'undo' && valid.has(target.id)) undone.add(target.id);
      // An undo of nothing this device knows still counts once its target arrives.
    }
    const blocked = new Set<AuthorKey>();
    const blockedOnce = new Set<AuthorKey>();
    const hidden = new Map<PostId, Hiding>();
    for (const { author, body } of this.#moderation) {
      if (body.action === 'block' && everModerated.has(author)) blockedOnce.add(body.member);
    }
    for (const record of [...this.#moderation].sort(byTimeThenId)) {
      if (!valid.has(record.id) || undone.has(record.id)) continue;
      const body = record.body;
      if (body.action === 'block') blocked.add(body.member);
      else if (body.action === 'hide')
        hidden.set(body.post, { record: record.id, by: record.author, reason: body.reason });
    }
    rejected += this.#moderation.length - valid.size;
    this.#entries = [...this.#moderation]
      .sort(byTimeThenId)
      .map((record) => ({ record, valid: valid.has(record.id), undone: undone.has(record.id) }));

    // Vouches, by the founder or a volunteer.
    const vouched = new Set<AuthorKey>();
    const vouchedBy = new Map<AuthorKey, AuthorKey[]>();
    for (const vouch of [...this.#vouches].sort(byTimeThenId)) {
      if (!KINDS.vouch.authorise(vouch, undefined, roles).ok) {
        rejected++;
        continue;
      }
      vouched.add(vouch.body.member);
      const by = vouchedBy.get(vouch.body.member) ?? [];
      if (!by.includes(vouch.author)) by.push(vouch.author);
      vouchedBy.set(vouch.body.member, by);
    }

    this.#rejected = rejected;
    this.#vouchedBy = vouchedBy;
    this.#blockedOnce = blockedOnce;
    this.#authority = trustAuthority({ founder, volunteers, vouched, blocked, hidden });
    const summary = summarise(
      founder,
      [...volunteers],
      [...vouched],
      [...blocked],
      [...hidden].map(([p, h]) => `${p}:${h.record}`),
    );
    const changed = summary !== this.#summary;
    this.#summary = summary;
    return changed;
  }

  /** Every moderation record, oldest first, with whether it counts: visible to every member. */
  moderationLog(): readonly ModerationEntry[] {
    return this.#entries;
  }

  /** Who vouched for a resident (volunteers and the founder). */
  vouchersOf(member: AuthorKey): readonly AuthorKey[] {
    return this.#vouchedBy.get(member) ?? [];
  }

  /**
   * Whether a block by someone who held a role at any time names this key, counted now or not
   * (undone, or judged with roles that changed since): a device that has not heard of the change
   * yet may still hold the key blocked.
   */
  wasBlocked(author: AuthorKey): boolean {
    return this.#blockedOnce.has(author);
  }

  /** Trust records that verified but were not allowed. */
  get rejectedCount(): number {
    return this.#rejected;
  }
}

/** A canonical text of an authority, to tell whether it changed. */
function summarise(
  founder: AuthorKey,
  volunteers: string[],
  vouched: string[],
  blocked: string[],
  hidden: string[],
): string {
  return JSON.stringify([founder, volunteers.sort(), vouched.sort(), blocked.sort(), hidden.sort()]);
}
