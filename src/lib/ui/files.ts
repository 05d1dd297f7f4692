// Handing a file to the resident: a download everywhere, the system share sheet (Web Share with
// files) where the device has one. Only the browser's own APIs; nothing here knows what is in it.

const JSON_TYPE = 'application/json';

/** Saves text as a downloaded file. */
export function saveFile(fileName: string, text: string, type = JSON_TYPE): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The file as the share sheet will take it, or null where it cannot. NOTE: Chromium shares only
 * an allow-list of types (JSON is not on it), so a copy is offered as plain text there; it opens
 * the same, whatever its name ends with.
 */
export function shareableFile(fileName: string, text: string): File | null {
  if (typeof navigator.canShare !== 'function') return null;
  for (const [name, type] of [
    [fileName, JSON_TYPE],
    [fileName.replace(/\.json$/, '.txt'), 'text/plain'],
  ] as const) {
    const file = new File([text], name, { type });
    if (navigator.canShare({ files: [file] })) return file;
  }
  return null;
}

/** Whether this device can share files at all (a phone's share sheet). */
export function canShareFiles(): boolean {
  return shareableFile('kaifong.json', '{}') !== null;
}

/** Opens the share sheet with the file; false if the resident closed it or it failed. */
export async function shareFile(file: File, title: string): Promise<boolean> {
  try {
    await navigator.share({ files: [file], title });
    return true;
  } catch {
    return false;
  }
}
