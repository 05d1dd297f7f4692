/** Branded identifiers, so a post id cannot be passed where an author key is expected. */
export type RecordId = string & { readonly __brand: 'RecordId' };
/** An author's public signing key: `ed25519:<base64url>` or `p256:<base64url>`. */
export type AuthorKey = string & { readonly __brand: 'AuthorKey' };
/** A room (square) id: 128 random bits, base64url. Also the signalling topic. */
export type RoomId = string & { readonly __brand: 'RoomId' };
/** 128 random bits, base64url, that a founder's key is hashed with to make a room id (domain/invite.ts). */
export type RoomNonce = string & { readonly __brand: 'RoomNonce' };
/** A resident's public encryption key, which messages are sealed to: `x25519:<base64url>` or `p256:<base64url>`. */
export type SealKey = string & { readonly __brand: 'SealKey' };
/** A post is identified by the id of the record that created it. */
export type PostId = RecordId;

/** 128 bits in base64url: record ids, room ids and room secrets. */
export const ID_128_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** A public signing key with its algorithm. */
export const AUTHOR_PATTERN = /^(ed25519|p256):[A-Za-z0-9_-]{43,88}$/;
/** A public encryption key with its algorithm: X25519 raw (32 bytes) or P-256 uncompressed (65 bytes). */
export const SEAL_KEY_PATTERN = /^(x25519:[A-Za-z0-9_-]{43}|p256:[A-Za-z0-9_-]{87})$/;
/** A signature in base64url (Ed25519: 86 characters; P-256: 86 to 96). */
export const SIG_PATTERN = /^[A-Za-z0-9_-]{80,200}$/;

export const isAuthorKey = (text: string): text is AuthorKey => AUTHOR_PATTERN.test(text);
export const isRecordId = (text: string): text is RecordId => ID_128_PATTERN.test(text);
