/** Branded identifiers, so a post id cannot be passed where an author key is expected. */
export type RecordId = string & { readonly __brand: 'RecordId' };
/** An author's public signing key: `ed25519:<base64url>` or `p256:<base64url>`. */
export type AuthorKey = string & { readonly __brand: 'AuthorKey' };
/** A room (square) id: 128 random bits, base64url. Also the signalling topic. */
export type RoomId = string & { readonly __brand: 'RoomId' };
/** A post is identified by the id of the record that created it. */
export type PostId = RecordId;
