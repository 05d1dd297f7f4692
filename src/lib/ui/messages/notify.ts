/**
 * A local notification of new messages (or matches, by `tag`), only while the page is in the
 * background and only if the resident allowed notifications (nothing leaves the device: the
 * title and a count are all it says).
 */
export function notifyArrivals(title: string, count: number, tag = 'kaifong-messages'): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState !== 'hidden') return;
  try {
    new Notification(title, { tag, body: String(count) });
  } catch {
    // Some browsers allow notifications only from the service worker; the count still shows.
  }
}

/** Whether the browser could still ask the resident to allow notifications. */
export function canAskToNotify(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'default';
}
