import { describe, expect, it } from 'vitest';
import { checkBody } from '../../src/lib/domain/kinds/parse.ts';
import { behalfNote } from '../../src/lib/domain/kinds/post.ts';
import { draftToBody } from '../../src/lib/domain/post-draft.ts';
import { draftOfPost } from '../../src/lib/domain/post-edit.ts';
import { postBody } from './fixtures.ts';

describe('a post for a neighbour without a phone', () => {
  it('keeps the note’s first line (who it is for) apart from what everyone reads', () => {
    const body = postBody({ behalf: true, note: 'Mrs Wong, 5/F flat B\nfever since last night' });
    expect(behalfNote(body)).toEqual({ name: 'Mrs Wong, 5/F flat B', rest: 'fever since last night' });
    expect(behalfNote(postBody({ behalf: true, note: 'Mrs Wong' }))).toEqual({ name: 'Mrs Wong', rest: '' });
    // An ordinary post's note is all public, first line too.
    expect(behalfNote(postBody({ note: 'Mrs Wong\nfever' }))).toEqual({ name: '', rest: 'Mrs Wong\nfever' });
  });

  it('is a flag the record schema accepts only as true', () => {
    expect(checkBody('post', postBody({ behalf: true })).ok).toBe(true);
    expect(checkBody('post', { ...postBody(), behalf: false })).toMatchObject({ ok: false });
  });
});

describe('the post form filled in from a post, to edit it', () => {
  it('gives back the same body', () => {
    // A post's public place is a building only: the form writes no floor.
    const where = { building: 'Block A', floor: '' };
    for (const body of [
      postBody({ behalf: true, note: 'Mr Lee\nneeds two', groups: ['elderly'], where }),
      postBody({
        type: 'offer',
        medicineExpiry: '2027-01-01',
        items: [{ item: 'other', qty: 2, text: 'eye drops' }],
        where,
      }),
      postBody({
        type: 'swap',
        items: [{ item: 'n95-mask', qty: 5 }],
        wants: [{ item: 'antigen-test', qty: 2 }],
        where,
      }),
    ]) {
      expect(draftToBody(draftOfPost(body))).toEqual(body);
    }
  });
});
