// What the app stores, measured in the page: IndexedDB databases, the shared document, the
// origin's storage estimate.

import type { Page } from '@playwright/test';
import * as Y from 'yjs';
import { BOARD_VIEW, type KaifongWindow } from '../../tests/support/page-driver.ts';
import { sleep } from './report.ts';

/** The square's IndexedDB databases: y-indexeddb's copy of the document and the record vault. */
export function databasesOf(room: string): { doc: string; vault: string } {
  return { doc: `kaifong-doc-${room}`, vault: `kaifong-vault-${room}` };
}

/**
 * Lets y-indexeddb and the vault finish writing: a short pause (y-indexeddb compacts in chained
 * transactions), then a read-write transaction on every store of both databases, which IndexedDB
 * runs only after every earlier overlapping transaction has committed.
 */
export async function flushIndexedDb(page: Page, room: string): Promise<void> {
  await sleep(1500);
  const { doc, vault } = databasesOf(room);
  await page.evaluate(
    async (names) => {
      for (const name of names) {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const req = indexedDB.open(name);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        const stores = [...db.objectStoreNames];
        if (stores.length > 0) {
          const tx = db.transaction(stores, 'readwrite');
          await new Promise<void>((resolve, reject) => {
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          });
        }
        db.close();
      }
    },
    [doc, vault],
  );
}

export interface DocSize {
  /** Entries in the shared map (records, whatever their state). */
  readonly mapEntries: number;
  /** Records the fold counts (verified and accepted). */
  readonly foldRecords: number;
  readonly posts: number;
  /** Sum of the lengths of the map's values (JSON text of signed records; ASCII, so bytes). */
  readonly jsonBytes: number;
  /** Y.encodeStateAsUpdate(doc).length, rebuilt from y-indexeddb's entries: what stock y-webrtc sends a newcomer. */
  readonly updateBytes: number;
  /** y-indexeddb's entries and their summed length (more than updateBytes until it compacts). */
  readonly idbUpdateEntries: number;
  readonly idbUpdateBytes: number;
}

/**
 * Measures the document in a page. The page has no Yjs of its own to call, so the encoded size
 * comes from y-indexeddb's stored updates: one compacted entry is the document's encoding; more
 * entries are copied here and merged with Yjs (call flushIndexedDb first).
 */
export async function docSize(page: Page, room: string): Promise<DocSize> {
  const found = await page.evaluate(
    async ({ name, view }) => {
      const handle = (window as KaifongWindow).kaifong;
      if (!handle) throw new Error('window.kaifong is not set');
      let jsonBytes = 0;
      let mapEntries = 0;
      handle.doc.getMap('records').forEach((value) => {
        mapEntries++;
        if (typeof value === 'string') jsonBytes += value.length;
      });
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const updates = await new Promise<Uint8Array[]>((resolve, reject) => {
        const req = db.transaction('updates').objectStore('updates').getAll();
        req.onsuccess = () => resolve(req.result as Uint8Array[]);
        req.onerror = () => reject(req.error);
      });
      db.close();
      const toBase64 = (bytes: Uint8Array): string => {
        let text = '';
        for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(text);
      };
      return {
        mapEntries,
        jsonBytes,
        foldRecords: handle.board[view].recordCount,
        posts: handle.board[view].postCount,
        idbUpdateEntries: updates.length,
        idbUpdateBytes: updates.reduce((sum, u) => sum + u.byteLength, 0),
        copies: updates.length > 1 ? updates.map(toBase64) : [],
      };
    },
    { name: databasesOf(room).doc, view: BOARD_VIEW },
  );
  let updateBytes = found.idbUpdateBytes;
  if (found.copies.length > 0) {
    const doc = new Y.Doc();
    for (const copy of found.copies) Y.applyUpdate(doc, Buffer.from(copy, 'base64'));
    updateBytes = Y.encodeStateAsUpdate(doc).length;
    doc.destroy();
  }
  const { copies: _copies, ...rest } = found;
  return { ...rest, updateBytes };
}

/** Logical size of IndexedDB databases: the summed lengths of keys and values, per database. */
export async function idbLogicalBytes(page: Page, names: readonly string[]): Promise<Record<string, number>> {
  return page.evaluate(async (names) => {
    const sizeOf = (value: unknown): number => {
      if (typeof value === 'string') return value.length;
      if (value instanceof ArrayBuffer) return value.byteLength;
      if (ArrayBuffer.isView(value)) return value.byteLength;
      if (typeof value === 'number' || typeof value === 'boolean') return 8;
      return JSON.stringify(value)?.length ?? 0;
    };
    const out: Record<string, number> = {};
    for (const name of names) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      let total = 0;
      for (const store of db.objectStoreNames) {
        total += await new Promise<number>((resolve, reject) => {
          let sum = 0;
          const req = db.transaction(store).objectStore(store).openCursor();
          req.onsuccess = () => {
            const cursor = req.result;
            if (!cursor) return resolve(sum);
            sum += sizeOf(cursor.key) + sizeOf(cursor.value);
            cursor.continue();
          };
          req.onerror = () => reject(req.error);
        });
      }
      db.close();
      out[name] = total;
    }
    return out;
  }, names);
}

/** navigator.storage.estimate().usage: everything the origin stores (IndexedDB, caches, …). */
export function storageUsage(page: Page): Promise<number | null> {
  return page.evaluate(async () => (await navigator.storage.estimate()).usage ?? null);
}
