/** The Y.Doc layout. Only `board/` knows it. */

/** The one Y.Map holding every signed record, keyed by record id. */
export const RECORDS_KEY = 'records';

/** Transaction origin of writes this device makes itself. */
export const LOCAL_ORIGIN = 'kaifong:local';

/** Transaction origin of records the vault puts back after they went missing. */
export const VAULT_ORIGIN = 'kaifong:vault';
