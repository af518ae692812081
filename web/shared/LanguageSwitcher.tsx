import { useTranslation } from 'react-i18next'
import { supportedLocales } from './i18n.ts'

/**
 * Switches between the interface languages. With two languages it is one button naming the other
 * language in that language; with more it becomes a list. Nothing is stored in the browser.
 */
export function LanguageSwitcher({ onChange }: { onChange?: (locale: string) => void }) {
  const { t, i18n } = useTranslation('common')
  const handleChange = (locale: string) => {
    void i18n.changeLanguage(locale)
    onChange?.(locale)
  }
  if (supportedLocales.length === 2) {
    const other = supportedLocales.find((locale) => locale !== i18n.language) ?? 'en'
    return (
      <button
        type="button"
        className="language-switcher"
        lang={other}
        title={t('language.switchToHint')}
        onClick={() => handleChange(other)}
      >
        {t('language.switchTo')}
      </button>
    )
  }
  return (
    <label className="language-switcher">
      {t('language.label')}{' '}
      <select value={i18n.language} onChange={(event) => handleChange(event.target.value)}>
        {supportedLocales.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {new Intl.DisplayNames([locale], { type: 'language' }).of(locale)}
          </option>
        ))}
      </select>
    </label>
  )
}
