import type { MessageAbout } from '../../domain/kinds/message.ts';
import type { I18n } from '../../i18n/i18n.svelte.ts';
import type { SquareMessages } from '../../state/messages.svelte.ts';
import { postHeadline } from '../format.ts';
import { stockItemName } from '../stock/when.ts';

/** "About: …": the post or stock offer a conversation is about, while it is in the square. */
export function aboutText(messages: SquareMessages, about: MessageAbout, i18n: I18n): string {
  const t = i18n.all;
  if ('post' in about) {
    const post = messages.post(about.post);
    return t.messages.about(post ? postHeadline(post.body, i18n.locale) : t.messages.postGone);
  }
  const offer = messages.offer(about.offer);
  return t.messages.about(
    offer
      ? t.stock.headline(i18n.number(offer.body.total), stockItemName(offer.body, i18n.locale))
      : t.messages.offerGone,
  );
}
