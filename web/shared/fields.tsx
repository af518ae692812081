import { type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes, useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { ApiError } from './api.ts'

/** Text in the interface language, falling back to the other one. */
export function pick(text: { en: string | null; fr: string | null }, language: string): string {
  return (language === 'fr' ? (text.fr ?? text.en) : (text.en ?? text.fr)) ?? ''
}

/** What the server found wrong with a field, worded with the field's own label. */
export function useFieldMessage(error: ApiError | null | undefined, name: string, label: string) {
  const { t } = useTranslation('errors')
  const problem = error?.field(name)
  return problem ? t(`field.${problem.code}`, { ...problem.values, field: label }) : undefined
}

interface FieldProps {
  label: string
  name: string
  hint?: string
  error?: ApiError | null
}

/**
 * A label, the control it names, an optional hint and the server's message for the field, linked to
 * the control for screen readers.
 */
function LabelledField({
  label,
  name,
  hint,
  error,
  control,
}: FieldProps & {
  control: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode
}) {
  const id = useId()
  const message = useFieldMessage(error, name, label)
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control({
        id,
        'aria-invalid': message ? true : undefined,
        'aria-describedby':
          [hint && `${id}-hint`, message && `${id}-error`].filter(Boolean).join(' ') || undefined,
      })}
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

/** A labelled input whose server error is tied to it. */
export function Field({
  label,
  name,
  hint,
  error,
  ...input
}: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <LabelledField
      label={label}
      name={name}
      hint={hint}
      error={error}
      control={(aria) => <input {...aria} name={name} {...input} />}
    />
  )
}

/** A labelled text area whose server error is tied to it. */
export function TextAreaField({
  label,
  name,
  hint,
  error,
  ...textarea
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <LabelledField
      label={label}
      name={name}
      hint={hint}
      error={error}
      control={(aria) => <textarea {...aria} name={name} {...textarea} />}
    />
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
