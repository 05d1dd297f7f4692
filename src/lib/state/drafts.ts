import type { RoomId } from '../domain/ids.ts';
import { ROOM_KEYS } from './room-storage.ts';
import { isUntouched, parseDraft, type PostDraft } from '../domain/post-draft.ts';

/** Where drafts are kept: localStorage in the browser, so a reload (an update) never eats one. */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The New post draft of one square on this device, kept as it is typed. */
export class DraftKeeper {
  readonly #storage: DraftStorage;
  readonly #key: string;

  constructor(storage: DraftStorage, room: RoomId) {
    this.#storage = storage;
    this.#key = ROOM_KEYS.draft(room);
  }

  /** The draft kept from before (a reload, an update), if any. */
  load(): PostDraft | null {
    try {
      const text = this.#storage.getItem(this.#key);
      return text === null ? null : parseDraft(JSON.parse(text));
    } catch {
      return null;
    }
  }

  /** Keeps the draft; an untouched form keeps nothing. */
  keep(draft: PostDraft): void {
    try {
      if (isUntouched(draft)) this.#storage.removeItem(this.#key);
      else this.#storage.setItem(this.#key, JSON.stringify(draft));
    } catch (error) {
      // Storage full or refused: the draft stays in the form, only not across a reload.
      console.warn('kaifong: could not keep the draft', error);
    }
  }

  /** Forgets the draft: published, or cancelled on purpose. */
  discard(): void {
    this.#storage.removeItem(this.#key);
  }
}
