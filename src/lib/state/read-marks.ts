import type { Hlc } from '../domain/hlc.ts';
import type { RoomId } from '../domain/ids.ts';
import { ROOM_KEYS } from './room-storage.ts';

/**
 * Which messages this device has shown its resident, per conversation: the time of the latest
 * one read. NOTE: kept on this device only (localStorage), never in the shared document, so
 * members cannot see when a message was read.
 */
export class ReadMarks {
  readonly #storage: Pick<Storage, 'getItem' | 'setItem'>;
  readonly #key: string;
  #marks: Record<string, Hlc>;

  constructor(storage: Pick<Storage, 'getItem' | 'setItem'>, room: RoomId) {
    this.#storage = storage;
    this.#key = ROOM_KEYS.read(room);
    this.#marks = load(storage.getItem(this.#key));
  }

  /** The time of the latest message read in a conversation, if any. */
  get(conversation: string): Hlc | undefined {
    return this.#marks[conversation];
  }

  /** Marks a conversation read up to a message's time; never moves back. */
  mark(conversation: string, at: Hlc): void {
    const current = this.#marks[conversation];
    if (current !== undefined && current >= at) return;
    this.#marks = { ...this.#marks, [conversation]: at };
    this.#storage.setItem(this.#key, JSON.stringify(this.#marks));
  }
}

function load(text: string | null): Record<string, Hlc> {
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string')) as Record<string, Hlc>;
  } catch {
    return {};
  }
}
