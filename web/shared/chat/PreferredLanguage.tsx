import { useTranslation } from 'react-i18next'
import { chatLanguages, type LanguageOption } from '../../../common/languages.ts'

const indigenous: readonly LanguageOption[] = chatLanguages.filter((language) => 'indigenous' in language)
const others: readonly LanguageOption[] = chatLanguages.filter((language) => !('indigenous' in language))

/**
 * The language a person would rather speak, with an interpreter: every language the line can
 * conference an interpreter in, each shown in itself and in the interface language, so a person finds
 * theirs without reading English or French. Indigenous languages come first. A native select: every
 * browser and screen reader knows how to operate it, by keyboard, by typing the first letters.
 */
export function PreferredLanguage({ value, onChange }: { value: string; onChange: (code: string) => void }) {
  const { t, i18n } = useTranslation('chat')
  const ui = i18n.language === 'fr' ? 'fr' : 'en'
  const label = (language: LanguageOption) =>
    language.native === language[ui] ? language.native : `${language.native} — ${language[ui]}`
  const options = (languages: readonly LanguageOption[]) =>
    languages.map((language) => (
      <option key={language.code} value={language.code}>
        {label(language)}
      </option>
    ))
  return (
    <div className="field">
      <label htmlFor="chat-preferred-language">{t('interpretation.label')}</label>
      <select
        id="chat-preferred-language"
        aria-describedby="chat-preferred-language-hint"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">{t('interpretation.none')}</option>
        <optgroup label={t('interpretation.indigenous')}>{options(indigenous)}</optgroup>
        <optgroup label={t('interpretation.other')}>{options(others)}</optgroup>
      </select>
      <p id="chat-preferred-language-hint" className="field-hint">
        {t('interpretation.hint')}
      </p>
    </div>
  )
}
