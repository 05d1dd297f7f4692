// Every message of each language, as the app shows them once its later messages have loaded.
import { joinMessages } from '../../src/lib/i18n/catalogues.ts';
import { en as enFirst } from '../../src/lib/i18n/en.ts';
import { enLater } from '../../src/lib/i18n/later/en.ts';
import { zhHansLater } from '../../src/lib/i18n/later/zh-hans.ts';
import { zhHantLater } from '../../src/lib/i18n/later/zh-hant.ts';
import { zhHans as zhHansFirst } from '../../src/lib/i18n/zh-hans.ts';
import { zhHant as zhHantFirst } from '../../src/lib/i18n/zh-hant.ts';

export const en = joinMessages(enFirst, enLater);
export const zhHant = joinMessages(zhHantFirst, zhHantLater);
export const zhHans = joinMessages(zhHansFirst, zhHansLater);
