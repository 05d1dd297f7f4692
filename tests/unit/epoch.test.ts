import { describe, expect, it } from 'vitest';
import { storedForm } from '../../src/lib/board/stored-form.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import { suggestsEpoch } from '../../src/lib/domain/epoch-suggestion.ts';
import { parseRecord } from '../../src/lib/domain/kinds/parse.ts';
import { followEpochs } from '../support/epoch-host.ts';
import { ExchangeNetwork } from '../support/exchange-network.ts';
import { identity, sign, T0 } from './fixtures.ts';

describe('epoch records', () => {
  it('count only when the founder signs them, the highest number naming the document', async () => {
    const [founder, member] = await Promise.all([identity(1), identity(2)]);
    const fold = new BoardFold(founder.author);
    fold.add([await sign(member, 'epoch', { epoch: 7 }, T0)]);
    expect(fold.epoch()).toBeUndefined();
    expect(fold.rejectedCount).toBe(1);
    const first = await sign(founder, 'epoch', { epoch: 1 }, T0 + 1);
    const second = await sign(founder, 'epoch', { epoch: 2 }, T0 + 2);
    fold.add([second, first]);
    expect(fold.epoch()?.id).toBe(second.id);
  });

  it('refuse epoch 0 and numbers that are not whole', () => {
    for (const epoch of [0, 1.5, -1]) {
      const parsed = parseRecord({ v: 1, kind: 'epoch', author: 'x', at: 'y', body: { epoch }, sig: 'z' });
      expect(parsed.ok, `epoch ${epoch}`).toBe(false);
    }
  });

  it('are suggested once the document is more than twice its live records and the waste is large', () => {
    expect(suggestsEpoch(6_800_000, 2_800_000)).toBe(true);
    expect(suggestsEpoch(4_000_000, 2_800_000)).toBe(false);
    expect(suggestsEpoch(300_000, 10_000)).toBe(false);
  });
});

describe('a member’s forged epoch', () => {
  it('moves nobody: the device that reads it stays on the founder’s document', async () => {
    const net = await ExchangeNetwork.create(2, { seed: 3, now: T0, shape: 'line', lateStart: 0 });
    const peer = net.peers[1]!;
    const { host, follower } = followEpochs(peer.board, peer.doc, net.exchanges[1]!, (e) => 1000 * e + 2);
    const forged = await sign(peer.identity, 'epoch', { epoch: 1 }, T0);
    await follower.offered({ epoch: 1, id: forged.id, record: storedForm(forged) });
    expect(host.epoch).toBe(0);
    expect(follower.busy).toBe(0);
    // A record that is not what it claims to be is not even taken in.
    const tampered = { ...forged, body: { epoch: 2 } };
    await follower.offered({ epoch: 2, id: forged.id, record: storedForm(tampered) });
    expect(host.epoch).toBe(0);
    expect(peer.board.records().some((r) => r.id === forged.id)).toBe(true);
    net.destroy();
  });
});
