/**
 * One rule per kind: a command refuses exactly what the fold, on another device, would not
 * count. Every actor tries every guarded action through the command, and the same record,
 * signed by a client of its own, is sent to a device that judges it in the fold.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import type { PostId } from '../../src/lib/domain/ids.ts';
import { openTestDevice, receive, type TestDevice } from '../support/device.ts';
import { identity, postBody, sign, signPost, T0, HOUR } from './fixtures.ts';

let founder: Identity;
let alice: Identity;
let mallory: Identity;

beforeAll(async () => {
  [founder, alice, mallory] = await Promise.all([identity(41), identity(42), identity(43)]);
});

const device = (who: Identity): Promise<TestDevice> =>
  openTestDevice({ identity: who, founder: founder.author, now: () => T0 + 2 * HOUR });

interface Action {
  readonly name: string;
  /** Runs the action through the actor's own commands. */
  command(actor: TestDevice, post: PostId): Promise<{ ok: boolean; reason?: string }>;
  /** The same action as a record the actor signs outside the app. */
  record(actor: Identity, post: PostId): ReturnType<typeof sign>;
  /** Whether the judging device shows the action's effect. */
  counted(judge: TestDevice, post: PostId): boolean;
}

const SITE = {
  buildings: [
    {
      name: 'Block 1',
      ring: [
        [114.17, 22.3],
        [114.1702, 22.3],
        [114.1702, 22.3002],
      ] as [number, number][],
    },
  ],
  points: [],
};

const ACTIONS: readonly Action[] = [
  {
    name: 'resolve alice’s post',
    command: (actor, post) => actor.board.commands.updatePost(post, 'resolve'),
    record: (actor, post) => sign(actor, 'update', { post, action: 'resolve' }, T0 + HOUR),
    counted: (judge, post) => judge.board.view.post(post)?.status === 'resolved',
  },
  {
    name: 'rename the square',
    command: (actor) => actor.board.commands.nameSquare('Renamed'),
    record: (actor) => sign(actor, 'square', { name: 'Renamed' }, T0 + HOUR),
    counted: (judge) => judge.board.view.squareName() === 'Renamed',
  },
  {
    name: 'set retention',
    command: (actor) => actor.board.commands.nameSquare('Tai Hang', 3),
    record: (actor) => sign(actor, 'square', { name: 'Tai Hang', retentionDays: 3 }, T0 + HOUR),
    counted: (judge) => judge.board.view.retentionDays() === 3,
  },
  {
    name: 'make mallory a volunteer',
    command: (actor) => actor.board.commands.setRole(mallory.author, 'grant-volunteer'),
    record: (actor) => sign(actor, 'role', { action: 'grant-volunteer', member: mallory.author }, T0 + HOUR),
    counted: (judge) => judge.board.view.authority.isVolunteer(mallory.author),
  },
  {
    name: 'hide alice’s post',
    command: (actor, post) => actor.board.commands.hidePost(post, 'resale'),
    record: (actor, post) => sign(actor, 'moderation', { action: 'hide', post, reason: 'resale' }, T0 + HOUR),
    counted: (judge, post) => judge.board.view.post(post)?.hidden !== undefined,
  },
  {
    name: 'draw the site',
    command: (actor) => actor.board.commands.saveSite(SITE),
    record: (actor) => sign(actor, 'site', SITE, T0 + HOUR),
    counted: (judge) => judge.board.view.site()?.buildings[0]?.name === 'Block 1',
  },
  {
    name: 'vouch for the founder',
    command: (actor) => actor.board.commands.vouch(founder.author),
    record: (actor) => sign(actor, 'vouch', { member: founder.author }, T0 + HOUR),
    counted: (judge) => judge.board.view.vouchersOf(founder.author).length > 0,
  },
];

describe('commands and the fold judge with the same rule', () => {
  for (const action of ACTIONS) {
    for (const who of ['founder', 'alice', 'mallory'] as const) {
      it(`${who}: ${action.name}`, async () => {
        const actorId = { founder, alice, mallory }[who];
        const post = await signPost(alice, postBody(), T0);
        const square = await sign(founder, 'square', { name: 'Tai Hang' }, T0);

        const actor = await device(actorId);
        await receive(actor, post, square);
        const commanded = await action.command(actor, post.id as PostId);

        const judge = await device(founder);
        await receive(judge, post, square);
        const before = judge.board.invalidCount;
        await receive(judge, await action.record(actorId, post.id as PostId));

        expect(action.counted(judge, post.id as PostId), 'fold counts it').toBe(commanded.ok);
        expect(judge.board.invalidCount - before, 'fold rejects it').toBe(commanded.ok ? 0 : 1);
        if (!commanded.ok)
          expect(['not-author', 'not-founder', 'not-volunteer', 'not-yourself']).toContain(commanded.reason);
        // The actor's own device shows its own command's effect only when allowed.
        expect(action.counted(actor, post.id as PostId)).toBe(commanded.ok);
      });
    }
  }
});
