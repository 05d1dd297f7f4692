import type { Localized } from './locale.ts';

/** One kind of home medicine or supply, with the most a single post should ask for or give. */
export interface CatalogueItem {
  readonly id: CatalogueId;
  readonly name: Localized;
  /** The unit as counted: "tablets" (Chinese counts without a plural). */
  readonly unit: Localized;
  /** The unit for one: "tablet". */
  readonly unitOne: Localized;
  /** Suggested maximum per post: more than this warns, more than three times it is refused. */
  readonly suggestedMax: number;
}

export const CATALOGUE_IDS = [
  'paracetamol-500',
  'ibuprofen-200',
  'child-fever-suspension',
  'antigen-test',
  'n95-mask',
  'surgical-mask',
  'thermometer',
  'pulse-oximeter',
  'oral-rehydration-salts',
  'cough-medicine',
  'fever-cooling-patch',
  'other',
] as const;
export type CatalogueId = (typeof CATALOGUE_IDS)[number];

/** Items that are medicines: offering one needs an expiry date in the future. */
export const MEDICINE_IDS: ReadonlySet<CatalogueId> = new Set([
  'paracetamol-500',
  'ibuprofen-200',
  'child-fever-suspension',
  'oral-rehydration-salts',
  'cough-medicine',
]);

/** Over this multiple of the suggestion a quantity is refused outright. */
export const REFUSE_FACTOR = 3;

/** A unit's forms: for one, and for any other count (Chinese has one form). */
function unitForms(
  one: string,
  other: string,
  zhHant: string,
  zhHans: string,
): Pick<CatalogueItem, 'unit' | 'unitOne'> {
  return {
    unitOne: { en: one, 'zh-Hant': zhHant, 'zh-Hans': zhHans },
    unit: { en: other, 'zh-Hant': zhHant, 'zh-Hans': zhHans },
  };
}
const tablets = unitForms('tablet', 'tablets', '片', '片');
const pieces = unitForms('piece', 'pieces', '個', '个');
const bottles = unitForms('bottle', 'bottles', '瓶', '瓶');

/** The catalogue residents post from, modelled on what the 2022 mutual-aid boards listed. */
export const CATALOGUE: readonly CatalogueItem[] = [
  {
    id: 'paracetamol-500',
    name: { en: 'Paracetamol 500 mg tablets', 'zh-Hant': '撲熱息痛 500毫克藥片', 'zh-Hans': '对乙酰氨基酚 500毫克片' },
    ...tablets,
    suggestedMax: 6,
  },
  {
    id: 'ibuprofen-200',
    name: { en: 'Ibuprofen 200 mg tablets', 'zh-Hant': '布洛芬 200毫克藥片', 'zh-Hans': '布洛芬 200毫克片' },
    ...tablets,
    suggestedMax: 4,
  },
  {
    id: 'child-fever-suspension',
    name: {
      en: "Children's ibuprofen or paracetamol suspension",
      'zh-Hant': '兒童布洛芬或撲熱息痛混懸液',
      'zh-Hans': '儿童布洛芬或对乙酰氨基酚混悬液',
    },
    ...bottles,
    suggestedMax: 1,
  },
  {
    id: 'antigen-test',
    name: { en: 'Antigen rapid test', 'zh-Hant': '抗原快速測試', 'zh-Hans': '抗原检测试剂' },
    ...unitForms('test', 'tests', '支', '支'),
    suggestedMax: 2,
  },
  {
    id: 'n95-mask',
    name: { en: 'N95 mask', 'zh-Hant': 'N95 口罩', 'zh-Hans': 'N95 口罩' },
    ...pieces,
    suggestedMax: 5,
  },
  {
    id: 'surgical-mask',
    name: { en: 'Surgical mask', 'zh-Hant': '外科口罩', 'zh-Hans': '医用外科口罩' },
    ...pieces,
    suggestedMax: 10,
  },
  {
    id: 'thermometer',
    name: { en: 'Thermometer', 'zh-Hant': '體溫計', 'zh-Hans': '体温计' },
    ...pieces,
    suggestedMax: 1,
  },
  {
    id: 'pulse-oximeter',
    name: { en: 'Pulse oximeter', 'zh-Hant': '血氧儀', 'zh-Hans': '血氧仪' },
    ...pieces,
    suggestedMax: 1,
  },
  {
    id: 'oral-rehydration-salts',
    name: { en: 'Oral rehydration salts', 'zh-Hant': '口服補液鹽', 'zh-Hans': '口服补液盐' },
    ...unitForms('sachet', 'sachets', '包', '包'),
    suggestedMax: 4,
  },
  {
    id: 'cough-medicine',
    name: { en: 'Cough medicine', 'zh-Hant': '止咳藥', 'zh-Hans': '止咳药' },
    ...bottles,
    suggestedMax: 1,
  },
  {
    id: 'fever-cooling-patch',
    name: { en: 'Fever cooling patch', 'zh-Hant': '退熱貼', 'zh-Hans': '退热贴' },
    ...unitForms('patch', 'patches', '片', '片'),
    suggestedMax: 4,
  },
  {
    id: 'other',
    name: { en: 'Other', 'zh-Hant': '其他', 'zh-Hans': '其他' },
    ...pieces,
    suggestedMax: 5,
  },
];

const BY_ID = new Map(CATALOGUE.map((item) => [item.id, item]));

/** Looks up a catalogue entry; every CatalogueId has one. */
export function catalogueItem(id: CatalogueId): CatalogueItem {
  const item = BY_ID.get(id);
  if (!item) throw new Error(`Unknown catalogue item ${id}`);
  return item;
}

export type QuantityCheck = 'ok' | 'over-suggestion' | 'refused';

/** How a quantity compares with the item's suggested maximum per post. */
export function checkQuantity(id: CatalogueId, quantity: number): QuantityCheck {
  const { suggestedMax } = catalogueItem(id);
  if (quantity > suggestedMax * REFUSE_FACTOR) return 'refused';
  if (quantity > suggestedMax) return 'over-suggestion';
  return 'ok';
}
