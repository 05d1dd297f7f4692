import type * as v from 'valibot';
import { inNormalForm, type ParseResult, type Signed } from '../envelope.ts';
import { checkWith, parseEnvelope } from '../parsing.ts';
import { ClaimBodySchema } from './claim.ts';
import { DrawBodySchema } from './draw.ts';
import { EditBodySchema } from './edit-body.ts';
import { EpochBodySchema } from './epoch.ts';
import { EraseBodySchema } from './erase-body.ts';
import { FollowupBodySchema } from './followup.ts';
import { HandoverBodySchema } from './handover.ts';
import { MessageBodySchema } from './message.ts';
import { ModerationBodySchema } from './moderation-body.ts';
import { MoveBodySchema } from './move.ts';
import { PostBodySchema } from './post-body.ts';
import { ProfileBodySchema } from './profile-body.ts';
import { isKnownKind, type BodyByKind, type RecordKind, type SignedRecord } from './registry.ts';
import { ReportBodySchema } from './report-body.ts';
import { RoleBodySchema } from './role-body.ts';
import { SiteBodySchema } from './site-body.ts';
import { SquareBodySchema } from './square-body.ts';
import { StockBodySchema } from './stock.ts';
import { UpdateBodySchema } from './update-body.ts';
import { VouchBodySchema } from './vouch-body.ts';

/**
 * Every kind's body schema: what validates an untrusted body (messages are reason codes). The
 * fold never needs them (it folds records already parsed), so they load with what parses a peer's,
 * a file's or a command's records, not with the first paint. A new kind adds a line here.
 */
const BODIES: { readonly [K in RecordKind]: v.GenericSchema<unknown, BodyByKind[K]> } = {
  square: SquareBodySchema,
  profile: ProfileBodySchema,
  post: PostBodySchema,
  update: UpdateBodySchema,
  edit: EditBodySchema,
  erase: EraseBodySchema,
  role: RoleBodySchema,
  vouch: VouchBodySchema,
  moderation: ModerationBodySchema,
  report: ReportBodySchema,
  message: MessageBodySchema,
  site: SiteBodySchema,
  move: MoveBodySchema,
  stock: StockBodySchema,
  claim: ClaimBodySchema,
  draw: DrawBodySchema,
  handover: HandoverBodySchema,
  followup: FollowupBodySchema,
  epoch: EpochBodySchema,
};

/**
 * Parses untrusted data (from a peer, a file or storage) into a signed record of a known kind.
 * Never throws. Bodies must be exactly in the form their schema produces, or the signature
 * would be checked over something else than what is shown.
 */
export function parseRecord(input: unknown): ParseResult<SignedRecord> {
  const envelope = parseEnvelope(input);
  return envelope.ok ? parseBody(envelope.value) : envelope;
}

/** Checks the body of an envelope already parsed (`parseEnvelope`) against its kind's schema. Never throws. */
export function parseBody(envelope: Signed<string, unknown>): ParseResult<SignedRecord> {
  const { kind, body } = envelope;
  if (!isKnownKind(kind)) return { ok: false, reason: 'invalid' };
  const checked = checkWith<unknown>(BODIES[kind], body);
  if (!checked.ok) return checked;
  if (!inNormalForm(checked.value, body)) return { ok: false, reason: 'not-normal-form' };
  return { ok: true, value: { ...envelope, kind, body: checked.value } as SignedRecord };
}

/** Checks a body a local user is about to sign; returns the first problem found as a code. */
export function checkBody<K extends RecordKind>(kind: K, body: unknown): ParseResult<BodyByKind[K]> {
  return checkWith(BODIES[kind], body);
}
