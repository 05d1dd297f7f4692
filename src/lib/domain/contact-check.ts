/**
 * Whether a note seems to hold private contact details: a phone number or a link. The form
 * flags it, suggesting private contact instead; it is a hint, not a rule (a modified client could
 * write anything, and a flat number can look like a phone number).
 */
export type ContactHint = 'phone' | 'link' | null;

// Eight or more digits, allowing spaces, dots, dashes and a leading +: HK numbers are 8 digits.
const PHONE = /(?:\+?\d[\s.-]?){8,}/;
const LINK = /(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+\.(?:com|hk|cn|net|org|io|me|ly|tw)\b/i;

export function contactHintOf(note: string): ContactHint {
  if (LINK.test(note)) return 'link';
  if (PHONE.test(note)) return 'phone';
  return null;
}
