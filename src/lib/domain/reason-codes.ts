/**
 * Why something was refused, as a code: the UI translates it into the resident's language, so
 * no validator or rule text ever reaches the screen. NOTE: a module of its own, which only the
 * parsing of untrusted data loads (parsing.ts): elsewhere the list is a type (reasons.ts).
 */
export const REASONS = [
  /** A field that must be filled in is empty. */
  'required',
  /** A text or list is longer than its limit. */
  'too-long',
  /** More than three times the suggested quantity of an item. */
  'quantity-refused',
  /** An "other" item without a description. */
  'describe-other',
  /** The same vulnerable group twice. */
  'duplicate-group',
  /** A swap without what is wanted in return, or a non-swap with it. */
  'swap-wants',
  /** A need with a medicine expiry date. */
  'need-expiry',
  /** Any other malformed input (only a modified client sends such). */
  'invalid',
  /** A record whose body is not in the normal form its signature covers. */
  'not-normal-form',
  /** Only a post's author may change it. */
  'not-author',
  /** Only the founder may do this. */
  'not-founder',
  /** The post is not (or no longer) in the square. */
  'unknown-post',
  /** The same item on two lines of one post. */
  'duplicate-item',
  /** Offered medicine without an expiry date after today. */
  'medicine-expiry',
  /** The author already has as many open posts as they may. */
  'open-limit',
  /** The author published as many posts in the last hour as they may. */
  'rate-limit',
  /** Only a volunteer (or the founder) may do this. */
  'not-volunteer',
  /** A rule about someone else applied to oneself (vouching for, reporting or granting oneself). */
  'not-yourself',
  /** The founder and volunteers cannot be blocked; the founder removes the role first. */
  'cannot-block-volunteer',
  /** This key is blocked in this square. */
  'blocked',
  /** A pasted or scanned code that is not a resident's code. */
  'not-a-code',
  /** An identity backup opened with the wrong passphrase. */
  'wrong-passphrase',
  /** A file that is not an identity backup. */
  'not-a-backup',
  /** The square is still opening on this device. */
  'opening',
  /** Something outside the rules went wrong (storage, crypto). */
  'failed',
  /** A pasted or opened text that is not an invite link. */
  'not-invite',
  /** A text holding the start of an invite link that is cut short or has changed characters. */
  'invite-damaged',
  /** A name (of the square, of a resident) that is empty or only spaces. */
  'blank-name',
  /** An invite link whose room does not belong to the founder it names: changed since it was made. */
  'invite-altered',
  /** An invite link without the founder binding, for a square this device has not joined. */
  'invite-unbound',
  /** A resident whose profile has no encryption key yet: messages cannot be sealed to them. */
  'cannot-receive',
  /** A signalling server's address that is not `ws://` or `wss://`, or one too many. */
  'not-signaling-url',
  /** A site shape Kaifong cannot use: not a polygon or a point, too few corners, holes. */
  'bad-geometry',
  /** A building outline whose edges cross. */
  'self-intersecting',
  /** A coordinate outside longitude ±180° or latitude ±85°. */
  'out-of-range',
  /** A site wider than one compound (SITE_LIMITS.spanM). */
  'site-too-wide',
  /** Two buildings (or two pickup points) with the same name. */
  'duplicate-name',
  /** A file or a site with more than its limits allow. */
  'too-large',
  /** A file that is not GeoJSON. */
  'not-geojson',
  /** The square has moved to a new link already. */
  'already-moved',
  /** A resident offering more than a small lot: only volunteers pin larger stock. */
  'lot-too-large',
  /** A claim, draw or handover naming a stock offer (or claim) this device does not have. */
  'unknown-offer',
  /** A claim dated outside its offer's claim window. */
  'claim-window',
  /** More than a household may have of this item, in this offer or across offers. */
  'household-limit',
  /** This household already claimed from this offer. */
  'already-claimed',
  /** Only the organiser of the offer may do this. */
  'not-organiser',
  /** The claim window has not closed yet. */
  'window-open',
  /** A revealed seed that does not match the offer's commitment. */
  'seed-mismatch',
  /** The offer was drawn already: the draw cannot be re-rolled. */
  'already-drawn',
  /** A slot that has not ended yet: its claims cannot be released. */
  'slot-open',
  /** A time window that ends before it starts, or is too long. */
  'bad-window',
  /** The seed of this offer is not on this device (it was pinned on another). */
  'no-seed',
  /** A pickup slot at a place that is not one of the site's pickup points. */
  'unknown-point',
  /** A message about a stock offer with a household that did not claim from it. */
  'not-claimant',
] as const;
export type ReasonCode = (typeof REASONS)[number];
