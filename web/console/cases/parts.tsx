import { type ReactNode, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../shared/api.ts'

/**
 * A section of the case that opens and closes: a heading holding a button (the disclosure pattern),
 * with a quiet count of the questions not raised yet. Only safety and needs stay open by default.
 */
export function Disclosure({
  title,
  unasked = 0,
  defaultOpen = false,
  open: controlled,
  onToggle,
  children,
  id,
}: {
  title: string
  unasked?: number
  defaultOpen?: boolean
  /** Set with `onToggle` when something else on the screen opens the section. */
  open?: boolean
  onToggle?: (open: boolean) => void
  children: ReactNode
  id?: string
}) {
  const { t } = useTranslation('case-screens')
  const [own, setOwn] = useState(defaultOpen)
  const open = controlled ?? own
  const generated = useId()
  const panelId = id ?? generated
  return (
    <section className="case-section" aria-labelledby={`${panelId}-heading`}>
      <h2 id={`${panelId}-heading`} className="disclosure-heading">
        <button
          type="button"
          className="disclosure"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => (onToggle ? onToggle(!open) : setOwn(!open))}
        >
          <span className="chevron" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          <span className="disclosure-title">{title}</span>
          {unasked > 0 && <span className="unasked-count">{t('unasked.count', { count: unasked })}</span>}
        </button>
      </h2>
      <div id={panelId} hidden={!open} className="disclosure-panel">
        {children}
      </div>
    </section>
  )
}

/** The server's refusal, with what it found wrong with each field, in the interface language. */
export function CaseError({
  error,
  labels = {},
}: {
  error: ApiError | null
  /** The form's own names for the fields the server may name, so its messages read naturally. */
  labels?: Record<string, string>
}) {
  const { t } = useTranslation('errors')
  if (!error) return null
  const details = error.fields
    .map((field) => {
      const label = labels[field.path]
      return label ? t(`field.${field.code}`, { ...field.values, field: label }) : field.message
    })
    .filter(Boolean)
  return (
    <div className="alert" role="alert">
      <p>{error.message}</p>
      {details.length > 0 && (
        <ul>
          {details.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  )
}

/**
 * Runs a save: the button never waits on a missing answer, and the outcome is announced (saved at a
 * time, or the server's message).
 */
export function useSaver() {
  const { t, i18n } = useTranslation('case-screens')
  const [error, setError] = useState<ApiError | null>(null)
  const [status, setStatus] = useState('')
  const [busy, setBusy] = useState(false)
  const run = async (work: () => Promise<unknown>, done = 'saved') => {
    setError(null)
    setBusy(true)
    try {
      await work()
      const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' }).format(new Date())
      setStatus(t(`status.${done}`, { time }))
      return true
    } catch (caught) {
      setStatus('')
      setError(caught instanceof ApiError ? caught : null)
      return false
    } finally {
      setBusy(false)
    }
  }
  return { run, error, status, busy }
}

/** The save button of a form, its outcome beside it. */
export function SaveBar({
  label,
  saver,
  className,
  labels,
  disabled = false,
}: {
  label?: string
  saver: ReturnType<typeof useSaver>
  className?: string
  labels?: Record<string, string>
  disabled?: boolean
}) {
  const { t } = useTranslation('case-screens')
  return (
    <>
      <CaseError error={saver.error} labels={labels} />
      <div className={`save-bar ${className ?? ''}`}>
        <button type="submit" disabled={saver.busy || disabled}>
          {label ?? t('save')}
        </button>
        <span className="field-hint" aria-live="polite">
          {saver.status}
        </span>
      </div>
    </>
  )
}

/** How many of the case's not-yet-raised questions fall under a path (`situation`, `people.<id>`). */
export function unaskedUnder(unasked: string[], prefix: string): number {
  return unasked.filter((path) => path === prefix || path.startsWith(`${prefix}.`)).length
}

/**
 * A form's working copy of a saved value: edited freely, and replaced by the saved value whenever
 * the server's version of it changes (after this form's save, or another form's that touched it).
 */
export function useDraft<T>(saved: T) {
  const [draft, setDraft] = useState(saved)
  const fingerprint = JSON.stringify(saved)
  // biome-ignore lint/correctness/useExhaustiveDependencies: the fingerprint stands for the saved value
  useEffect(() => setDraft(saved), [fingerprint])
  return [draft, setDraft] as const
}
