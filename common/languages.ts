/**
 * Languages a person may say they prefer, for interpretation: the line answers in English and French,
 * and conferences in an interpreter for the others. Indigenous languages of Canada first after the
 * two official ones, then the languages most spoken at home by newcomers. Names are given in English,
 * in French, and in the language itself, so a person finds theirs without reading either.
 */
export interface LanguageOption {
  code: string
  en: string
  fr: string
  native: string
  indigenous?: true
}

export const chatLanguages = [
  { code: 'en', en: 'English', fr: 'Anglais', native: 'English' },
  { code: 'fr', en: 'French', fr: 'Français', native: 'Français' },
  { code: 'cr', en: 'Cree', fr: 'Cri', native: 'ᓀᐦᐃᔭᐍᐏᐣ (Nēhiyawēwin)', indigenous: true },
  { code: 'oj', en: 'Ojibwe', fr: 'Ojibwé', native: 'Anishinaabemowin', indigenous: true },
  { code: 'ojs', en: 'Oji-Cree', fr: 'Oji-cri', native: 'Anishininiimowin', indigenous: true },
  { code: 'iu', en: 'Inuktitut', fr: 'Inuktitut', native: 'ᐃᓄᒃᑎᑐᑦ', indigenous: true },
  { code: 'ikt', en: 'Inuinnaqtun', fr: 'Inuinnaqtun', native: 'Inuinnaqtun', indigenous: true },
  { code: 'mic', en: "Mi'kmaq", fr: 'Micmac', native: "Mi'kmawi'simk", indigenous: true },
  { code: 'moh', en: 'Mohawk', fr: 'Mohawk', native: "Kanien'kéha", indigenous: true },
  { code: 'bla', en: 'Blackfoot', fr: 'Pied-noir', native: 'Siksiká', indigenous: true },
  { code: 'chp', en: 'Dene', fr: 'Déné', native: 'Dëne Sųłiné', indigenous: true },
  { code: 'atj', en: 'Atikamekw', fr: 'Atikamekw', native: 'Atikamekw nehiromowin', indigenous: true },
  { code: 'moe', en: 'Innu-aimun', fr: 'Innu-aimun', native: 'Innu-aimun', indigenous: true },
  { code: 'es', en: 'Spanish', fr: 'Espagnol', native: 'Español' },
  { code: 'pt', en: 'Portuguese', fr: 'Portugais', native: 'Português' },
  { code: 'ar', en: 'Arabic', fr: 'Arabe', native: 'العربية' },
  { code: 'zh', en: 'Mandarin', fr: 'Mandarin', native: '普通话' },
  { code: 'yue', en: 'Cantonese', fr: 'Cantonais', native: '廣東話' },
  { code: 'pa', en: 'Punjabi', fr: 'Pendjabi', native: 'ਪੰਜਾਬੀ' },
  { code: 'tl', en: 'Tagalog', fr: 'Tagalog', native: 'Tagalog' },
  { code: 'hi', en: 'Hindi', fr: 'Hindi', native: 'हिन्दी' },
  { code: 'ur', en: 'Urdu', fr: 'Ourdou', native: 'اردو' },
  { code: 'fa', en: 'Persian', fr: 'Persan', native: 'فارسی' },
  { code: 'ta', en: 'Tamil', fr: 'Tamoul', native: 'தமிழ்' },
  { code: 'gu', en: 'Gujarati', fr: 'Goudjarati', native: 'ગુજરાતી' },
  { code: 'bn', en: 'Bengali', fr: 'Bengali', native: 'বাংলা' },
  { code: 'vi', en: 'Vietnamese', fr: 'Vietnamien', native: 'Tiếng Việt' },
  { code: 'ko', en: 'Korean', fr: 'Coréen', native: '한국어' },
  { code: 'th', en: 'Thai', fr: 'Thaï', native: 'ไทย' },
  { code: 'ru', en: 'Russian', fr: 'Russe', native: 'Русский' },
  { code: 'uk', en: 'Ukrainian', fr: 'Ukrainien', native: 'Українська' },
  { code: 'pl', en: 'Polish', fr: 'Polonais', native: 'Polski' },
  { code: 'ro', en: 'Romanian', fr: 'Roumain', native: 'Română' },
  { code: 'it', en: 'Italian', fr: 'Italien', native: 'Italiano' },
  { code: 'de', en: 'German', fr: 'Allemand', native: 'Deutsch' },
  { code: 'so', en: 'Somali', fr: 'Somali', native: 'Soomaali' },
  { code: 'am', en: 'Amharic', fr: 'Amharique', native: 'አማርኛ' },
  { code: 'ti', en: 'Tigrinya', fr: 'Tigrigna', native: 'ትግርኛ' },
  { code: 'sw', en: 'Swahili', fr: 'Swahili', native: 'Kiswahili' },
  { code: 'ht', en: 'Haitian Creole', fr: 'Créole haïtien', native: 'Kreyòl ayisyen' },
] as const satisfies readonly LanguageOption[]

export type ChatLanguageCode = (typeof chatLanguages)[number]['code']
export const chatLanguageCodes = chatLanguages.map((language) => language.code) as [
  ChatLanguageCode,
  ...ChatLanguageCode[],
]
