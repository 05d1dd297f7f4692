/**
 * Whether a note seems to hold private contact details: a phone number, a floor or flat number,
 * or a link. The form flags it, suggesting "Message" instead; it is a hint, not a rule (a modified client could
 * write anything, and a flat number can look like a phone number).
 */
export type ContactHint = 'phone' | 'flat' | 'link' | null;

// Eight or more digits, allowing spaces, dots, dashes and a leading +: HK numbers are 8 digits.
const PHONE = /(?:\+?\d[\s.-]?){8,}/;
// "Flat 12B", "Rm 1203", "unit 7", "12B室", "B室": a post's public place is its building only.
const FLAT = /\b(?:flat|unit|rm|room)\.?\s*\d{1,4}\s*[a-z]?\b|(?:\d{1,4}\s*[a-z]?|(?<![a-z])[a-z])\s*室/i;
// "12/F", "floor 12", "3rd floor", "12樓", "12层": the floor, too, is shared only in a message.
const FLOOR =
  /\b\d{1,3}\s*\/\s*f\b|\b(?:floor|fl)\.?\s*\d{1,3}\b|\b\d{1,3}(?:st|nd|rd|th)\s+floor\b|\d{1,3}\s*[樓楼層层]/i;
const LINK = /(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+\.(?:com|hk|cn|net|org|io|me|ly|tw)\b/i;

export function contactHintOf(note: string): ContactHint {
  if (LINK.test(note)) return 'link';
  if (PHONE.test(note)) return 'phone';
  if (FLAT.test(note) || FLOOR.test(note)) return 'flat';
  return null;
}
