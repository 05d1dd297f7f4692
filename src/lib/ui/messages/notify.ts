/**
 * A local notification of new messages, only while the page is in the background and only if
 * the resident allowed notifications (nothing leaves the device: the title is all it says).
 */
export function notifyArrivals(title: string, unread: number): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState !== 'hidden') return;
  try {
    new Notification(title, { tag: 'kaifong-messages', body: String(unread) });
  } catch {
    // Some browsers allow notifications only from the service worker; the count still shows.
  }
}

/** Whether the browser could still ask the resident to allow notifications. */
export function canAskToNotify(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'default';
}
