import type { Localized } from './locale.ts';

/** One kind of home medicine or supply, with the most a single post should ask for or give. */
export interface CatalogueItem {
  readonly id: CatalogueId;
  readonly name: Localized;
  readonly unit: Localized;
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

const tablets: Localized = { en: 'tablets', 'zh-Hant': '片', 'zh-Hans': '片' };
const pieces: Localized = { en: 'pieces', 'zh-Hant': '個', 'zh-Hans': '个' };
const bottles: Localized = { en: 'bottles', 'zh-Hant': '瓶', 'zh-Hans': '瓶' };

/** The catalogue residents post from, modelled on what the 2022 mutual-aid boards listed. */
export const CATALOGUE: readonly CatalogueItem[] = [
  {
    id: 'paracetamol-500',
    name: { en: 'Paracetamol 500 mg tablets', 'zh-Hant': '撲熱息痛 500毫克藥片', 'zh-Hans': '对乙酰氨基酚 500毫克片' },
    unit: tablets,
    suggestedMax: 6,
  },
  {
    id: 'ibuprofen-200',
    name: { en: 'Ibuprofen 200 mg tablets', 'zh-Hant': '布洛芬 200毫克藥片', 'zh-Hans': '布洛芬 200毫克片' },
    unit: tablets,
    suggestedMax: 4,
  },
  {
    id: 'child-fever-suspension',
    name: {
      en: "Children's ibuprofen or paracetamol suspension",
      'zh-Hant': '兒童布洛芬或撲熱息痛混懸液',
      'zh-Hans': '儿童布洛芬或对乙酰氨基酚混悬液',
    },
    unit: bottles,
    suggestedMax: 1,
  },
  {
    id: 'antigen-test',
    name: { en: 'Antigen rapid test', 'zh-Hant': '抗原快速測試', 'zh-Hans': '抗原检测试剂' },
    unit: { en: 'tests', 'zh-Hant': '支', 'zh-Hans': '支' },
    suggestedMax: 2,
  },
  {
    id: 'n95-mask',
    name: { en: 'N95 mask', 'zh-Hant': 'N95 口罩', 'zh-Hans': 'N95 口罩' },
    unit: pieces,
    suggestedMax: 5,
  },
  {
    id: 'surgical-mask',
    name: { en: 'Surgical mask', 'zh-Hant': '外科口罩', 'zh-Hans': '医用外科口罩' },
    unit: pieces,
    suggestedMax: 10,
  },
  {
    id: 'thermometer',
    name: { en: 'Thermometer', 'zh-Hant': '體溫計', 'zh-Hans': '体温计' },
    unit: pieces,
    suggestedMax: 1,
  },
  {
    id: 'pulse-oximeter',
    name: { en: 'Pulse oximeter', 'zh-Hant': '血氧儀', 'zh-Hans': '血氧仪' },
    unit: pieces,
    suggestedMax: 1,
  },
  {
    id: 'oral-rehydration-salts',
    name: { en: 'Oral rehydration salts', 'zh-Hant': '口服補液鹽', 'zh-Hans': '口服补液盐' },
    unit: { en: 'sachets', 'zh-Hant': '包', 'zh-Hans': '包' },
    suggestedMax: 4,
  },
  {
    id: 'cough-medicine',
    name: { en: 'Cough medicine', 'zh-Hant': '止咳藥', 'zh-Hans': '止咳药' },
    unit: bottles,
    suggestedMax: 1,
  },
  {
    id: 'fever-cooling-patch',
    name: { en: 'Fever cooling patch', 'zh-Hant': '退熱貼', 'zh-Hans': '退热贴' },
    unit: { en: 'patches', 'zh-Hant': '片', 'zh-Hans': '片' },
    suggestedMax: 4,
  },
  {
    id: 'other',
    name: { en: 'Other', 'zh-Hant': '其他', 'zh-Hans': '其他' },
    unit: pieces,
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
