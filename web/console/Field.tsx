import { type InputHTMLAttributes, useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { ApiError } from '../shared/api.ts'

/**
 * A labelled input that shows what the server found wrong with its field, worded with the field's
 * own label, and linked to the input for screen readers.
 */
export function Field({
  label,
  name,
  hint,
  error,
  ...input
}: {
  label: string
  name: string
  hint?: string
  error?: ApiError | null
} & InputHTMLAttributes<HTMLInputElement>) {
  const { t } = useTranslation('errors')
  const id = useId()
  const problem = error?.field(name)
  const message = problem && t(`field.${problem.code}`, { ...problem.values, field: label })
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={message ? true : undefined}
        aria-describedby={
          [hint && `${id}-hint`, message && `${id}-error`].filter(Boolean).join(' ') || undefined
        }
        {...input}
      />
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {message && (
        <p id={`${id}-error`} className="field-error">
          {message}
        </p>
      )}
    </div>
  )
}

/** The error summary at the top of a form, announced when it appears. */
export function ErrorAlert({ error }: { error: ApiError | null }) {
  if (!error) return null
  return (
    <div className="alert" role="alert">
      {error.message}
    </div>
  )
}
