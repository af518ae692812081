import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { onTripleShift, quickExit } from './quick-exit.ts'

/** The always-visible quick-exit button, also triggered by pressing Shift three times. */
export function QuickExit() {
  const { t } = useTranslation('portal')
  useEffect(() => onTripleShift(() => quickExit()), [])
  return (
    <>
      <button
        type="button"
        className="quick-exit"
        aria-describedby="quick-exit-hint"
        onClick={() => quickExit()}
      >
        {t('quickExit.label')}
      </button>
      <p id="quick-exit-hint" className="visually-hidden">
        {t('quickExit.hint')}
      </p>
    </>
  )
}
