import { type InputHTMLAttributes, useId } from 'react'
import type { ApiError } from '../shared/api.ts'

/** A labelled input that shows the server's message for its field, linked for screen readers. */
export function Field({
  label,
  name,
  error,
  ...input
}: { label: string; name: string; error?: ApiError | null } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId()
  const message = error?.fieldMessage(name)
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : undefined}
        {...input}
      />
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
