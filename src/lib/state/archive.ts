import type { AnyRecord } from '../domain/kinds/registry.ts';

/** The archive file a volunteer saves before closed posts are dropped from the square. */
export interface ArchiveFile {
  readonly fileName: string;
  readonly json: string;
}

/** Builds an archive of signed records; each stays verifiable on its own. */
export function buildArchive(
  squareName: string,
  room: string,
  nowMs: number,
  records: readonly AnyRecord[],
): ArchiveFile {
  const exportedAt = new Date(nowMs).toISOString();
  const json = JSON.stringify({ format: 'kaifong-archive', version: 1, square: squareName, room, exportedAt, records });
  return { fileName: `kaifong-archive-${exportedAt.slice(0, 10)}.json`, json };
}
