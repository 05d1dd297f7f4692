/** Minimal promise wrappers over IndexedDB: enough for the vault and the identity store. */

/** Resolves with a request's result, rejects with its error. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Resolves when a transaction commits. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** Opens (creating if needed) a database whose object stores are all plain key/value stores. */
export async function openDatabase(name: string, stores: readonly string[], version = 1): Promise<IDBDatabase> {
  const req = indexedDB.open(name, version);
  req.onupgradeneeded = () => {
    for (const store of stores) {
      if (!req.result.objectStoreNames.contains(store)) req.result.createObjectStore(store);
    }
  };
  const db = await request(req);
  // Another tab deleting or upgrading the database goes ahead rather than waiting for this one.
  db.onversionchange = () => db.close();
  return db;
}

/** Deletes a database, whoever still has it open (they close on `versionchange`). */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not delete the database'));
  });
}
