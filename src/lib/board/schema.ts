/** The Y.Doc layout. Only `board/` knows it. */

/** The one Y.Map holding every signed record, keyed by record id. */
export const RECORDS_KEY = 'records';

/** Transaction origin of writes this device makes itself. */
export const LOCAL_ORIGIN = 'kaifong:local';

/** Transaction origin of records the vault puts back after they went missing. */
export const VAULT_ORIGIN = 'kaifong:vault';

/**
 * Transaction origin of records opened from a file. NOTE: not one of the two above by design:
 * the board observes these writes as it does a peer's, so they go through the same ingest.
 */
export const FILE_ORIGIN = 'kaifong:file';
