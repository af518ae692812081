import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  type ContactMethod,
  type WebFormKind,
  type WebFormReceipt,
  type WebFormRequest,
  webFormKinds,
  webFormLimits,
} from '../../common/contracts/web-form.ts'
import { type ApiClient, ApiError } from '../shared/api.ts'
import { ErrorAlert, Field, TextAreaField, useFieldMessage } from '../shared/fields.tsx'
import { useProofOfWork } from './useProofOfWork.ts'
import './report-form.css'

/** Languages offered as a preference, named in the interface language by the browser itself. */
const preferredLanguages = [
  'ar',
  'es',
  'fa',
  'hi',
  'ko',
  'pa',
  'pt',
  'ro',
  'ru',
  'so',
  'tl',
  'uk',
  'vi',
  'zh',
  'en',
  'fr',
]
const methods: ContactMethod[] = ['phone', 'sms', 'email', 'none']

interface Answers {
  kind: WebFormKind | ''
  message: string
  inDanger: boolean
  preferredLanguage: string
  anonymous: boolean
  name: string
  phone: string
  email: string
  method: ContactMethod | ''
  safeTimes: string
  leaveMessage: 'yes' | 'no' | ''
  safeWord: string
  website: string
}

const blank: Answers = {
  kind: '',
  message: '',
  inDanger: false,
  preferredLanguage: '',
  anonymous: true,
  name: '',
  phone: '',
  email: '',
  method: '',
  safeTimes: '',
  leaveMessage: '',
  safeWord: '',
  website: '',
}

/**
 * What the API is sent: only what the person filled in, and nothing of a contact when anonymous.
 * Questions left unanswered are left out, for the server to name.
 */
type Draft = Omit<WebFormRequest, 'proof' | 'kind' | 'message' | 'safeContact'> & {
  kind?: WebFormKind
  message?: string
  safeContact?: Omit<NonNullable<WebFormRequest['safeContact']>, 'method'> & { method?: ContactMethod }
}

function requestOf(answers: Answers, language: string): Draft {
  const text = (value: string) => (value.trim() === '' ? undefined : value)
  const safeGiven = answers.method || answers.safeTimes || answers.leaveMessage || answers.safeWord
  return {
    kind: answers.kind || undefined,
    message: text(answers.message),
    language: language === 'fr' ? 'fr' : 'en',
    preferredLanguage: answers.preferredLanguage || undefined,
    inDanger: answers.inDanger,
    anonymous: answers.anonymous,
    website: answers.website || undefined,
    ...(answers.anonymous
      ? {}
      : {
          contact: { name: text(answers.name), phone: text(answers.phone), email: text(answers.email) },
          safeContact: safeGiven
            ? {
                method: answers.method || undefined,
                safeTimes: text(answers.safeTimes),
                leaveMessage: answers.leaveMessage === '' ? undefined : answers.leaveMessage === 'yes',
                safeWord: text(answers.safeWord),
              }
            : undefined,
        }),
  }
}

/** A group of radio buttons under a legend, with the server's message for the field. */
function ChoiceGroup<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
  error,
  required,
}: {
  legend: string
  name: string
  options: { value: T; label: string }[]
  value: T | ''
  onChange: (value: T) => void
  error: ApiError | null
  required?: boolean
}) {
  const { t } = useTranslation('form')
  const id = useId()
  const worded = useFieldMessage(error, name, legend)
  // Nothing chosen: "choose an answer" reads better than naming the question again.
  const code = error?.field(name)?.code
  const message = code === 'required' || code === 'invalid_value' ? t('choose') : worded
  return (
    <fieldset className="field choice-group" aria-describedby={message ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {options.map((option) => (
        <div className="choice" key={option.value}>
          <input
            type="radio"
            id={`${id}-${option.value}`}
            name={`${id}-${name}`}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
            required={required}
            aria-invalid={message ? true : undefined}
          />
          <label htmlFor={`${id}-${option.value}`}>{option.label}</label>
        </div>
      ))}
      {message && (
        <p id={`${id}-error`} className="field-error">
          {message}
        </p>
      )}
    </fieldset>
  )
}

/** A checkbox with its label beside it and a hint below. */
function Check({
  label,
  hint,
  checked,
  onChange,
  children,
}: {
  label: string
  hint: string
  checked: boolean
  onChange: (checked: boolean) => void
  children?: ReactNode
}) {
  const id = useId()
  return (
    <div className="field check">
      <input
        type="checkbox"
        id={id}
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        aria-describedby={`${id}-hint`}
      />
      <label htmlFor={id}>{label}</label>
      <p id={`${id}-hint`} className="field-hint">
        {hint}
      </p>
      {children}
    </div>
  )
}

/**
 * The public web form: report a concern or ask for help, anonymously by default. Everything typed
 * stays in memory and is dropped once the hotline has it; the proof of work that stands in for a
 * captcha is solved in the background while the person writes.
 */
export function ReportForm({ api, emergencyNumber }: { api: ApiClient; emergencyNumber: string }) {
  const { t, i18n } = useTranslation('form')
  const takeProof = useProofOfWork(api)
  const [answers, setAnswers] = useState<Answers>(blank)
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  const [reference, setReference] = useState<string | null>(null)
  const formRef = useRef<HTMLFormElement>(null)
  const doneRef = useRef<HTMLHeadingElement>(null)
  const set = <K extends keyof Answers>(key: K, value: Answers[K]) =>
    setAnswers((current) => ({ ...current, [key]: value }))
  // WebCrypto exists only on secure (https or local) pages.
  const supported = typeof crypto !== 'undefined' && crypto.subtle !== undefined

  const languageNames = useMemo(() => {
    const names = new Intl.DisplayNames([i18n.language], { type: 'language' })
    return preferredLanguages
      .map((code) => ({ value: code, label: names.of(code) ?? code }))
      .sort((a, b) => a.label.localeCompare(b.label, i18n.language))
  }, [i18n.language])

  useEffect(() => {
    if (error?.fields.length) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }, [error])
  useEffect(() => {
    if (reference) doneRef.current?.focus()
  }, [reference])

  function writeAnother() {
    setReference(null)
    window.scrollTo(0, 0)
    document.getElementById('main')?.focus()
  }

  async function send(fresh: boolean): Promise<WebFormReceipt> {
    const proof = await takeProof(fresh)
    return api.send<WebFormReceipt>('POST', '/api/intake/form', {
      ...requestOf(answers, i18n.language),
      proof,
    })
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      let receipt: WebFormReceipt
      try {
        receipt = await send(false)
      } catch (failure) {
        // A proof that expired or was refused is replaced once, without bothering the person.
        if (!(failure instanceof ApiError && failure.field('proof'))) throw failure
        receipt = await send(true)
      }
      setAnswers(blank)
      setReference(receipt.reference)
    } catch (failure) {
      setError(
        failure instanceof ApiError ? failure : new ApiError(0, 'network', i18n.t('common:error.network')),
      )
    } finally {
      setBusy(false)
    }
  }

  if (reference) {
    return (
      <>
        <h1>{t('heading')}</h1>
        <section className="form-done notice" aria-labelledby="form-done-heading">
          <h2 id="form-done-heading" ref={doneRef} tabIndex={-1}>
            {t('done.heading')}
          </h2>
          <p className="form-reference">{t('done.reference', { reference })}</p>
          <p>{t('done.keep')}</p>
          <p>{t('done.next')}</p>
          <button type="button" className="secondary" onClick={writeAnother}>
            {t('done.another')}
          </button>
        </section>
      </>
    )
  }

  return (
    <>
      <h1>{t('heading')}</h1>
      <p className="lead">{t('intro')}</p>
      <div className="form-guidance">
        <section aria-labelledby="form-about-heading">
          <h2 id="form-about-heading">{t('about.heading')}</h2>
          <ul>
            <li>{t('about.anonymous')}</li>
            <li>{t('about.contact')}</li>
            <li>{t('about.noContact')}</li>
            <li>{t('about.browser')}</li>
          </ul>
        </section>
        <section aria-labelledby="form-unsafe-heading" className="safety">
          <h2 id="form-unsafe-heading">{t('unsafe.heading')}</h2>
          <ul>
            <li>{t('unsafe.device')}</li>
            <li>{t('unsafe.details')}</li>
            <li>{t('unsafe.exit')}</li>
          </ul>
        </section>
      </div>

      {!supported && (
        <p className="alert" role="alert">
          {t('unsupported')}
        </p>
      )}
      <form ref={formRef} className="report-form" noValidate onSubmit={handleSubmit} aria-busy={busy}>
        <ErrorAlert error={error} />
        {error?.field('proof') && <p className="field-error">{t('retry')}</p>}
        <p className="field-hint form-required-note">{t('requiredNote')}</p>
        <ChoiceGroup
          legend={t('kind.legend')}
          name="kind"
          required
          options={webFormKinds.map((kind) => ({ value: kind, label: t(`kind.${kind}`) }))}
          value={answers.kind}
          onChange={(kind) => set('kind', kind)}
          error={error}
        />
        <TextAreaField
          label={t('message.label')}
          name="message"
          hint={t('message.hint', { max: webFormLimits.messageMaxLength })}
          error={error}
          required
          rows={8}
          maxLength={webFormLimits.messageMaxLength}
          value={answers.message}
          onChange={(event) => set('message', event.target.value)}
        />
        <Check
          label={t('inDanger.label')}
          hint={t('inDanger.hint', { number: emergencyNumber })}
          checked={answers.inDanger}
          onChange={(checked) => set('inDanger', checked)}
        />
        <PreferredLanguage
          value={answers.preferredLanguage}
          options={languageNames}
          onChange={(value) => set('preferredLanguage', value)}
          error={error}
        />
        <Check
          label={t('anonymous.label')}
          hint={t('anonymous.hint')}
          checked={answers.anonymous}
          onChange={(checked) => set('anonymous', checked)}
        />
        {!answers.anonymous && (
          <>
            <fieldset className="form-section">
              <legend>{t('contact.legend')}</legend>
              <p className="field-hint">{t('contact.hint')}</p>
              <Field
                label={t('contact.name')}
                name="contact.name"
                hint={t('contact.nameHint')}
                error={error}
                autoComplete="off"
                maxLength={webFormLimits.nameMaxLength}
                value={answers.name}
                onChange={(event) => set('name', event.target.value)}
              />
              <Field
                label={t('contact.phone')}
                name="contact.phone"
                error={error}
                type="tel"
                autoComplete="off"
                maxLength={webFormLimits.phoneMaxLength}
                value={answers.phone}
                onChange={(event) => set('phone', event.target.value)}
              />
              <Field
                label={t('contact.email')}
                name="contact.email"
                error={error}
                type="email"
                autoComplete="off"
                maxLength={webFormLimits.emailMaxLength}
                value={answers.email}
                onChange={(event) => set('email', event.target.value)}
              />
            </fieldset>
            <fieldset className="form-section">
              <legend>{t('safeContact.legend')}</legend>
              <ChoiceGroup
                legend={t('safeContact.method')}
                name="safeContact.method"
                options={methods.map((method) => ({ value: method, label: t(`safeContact.${method}`) }))}
                value={answers.method}
                onChange={(method) => set('method', method)}
                error={error}
              />
              <Field
                label={t('safeContact.safeTimes')}
                name="safeContact.safeTimes"
                hint={t('safeContact.safeTimesHint')}
                error={error}
                autoComplete="off"
                maxLength={webFormLimits.safeTimesMaxLength}
                value={answers.safeTimes}
                onChange={(event) => set('safeTimes', event.target.value)}
              />
              <ChoiceGroup
                legend={t('safeContact.leaveMessage')}
                name="safeContact.leaveMessage"
                options={[
                  { value: 'yes' as const, label: t('safeContact.yes') },
                  { value: 'no' as const, label: t('safeContact.no') },
                ]}
                value={answers.leaveMessage}
                onChange={(value) => set('leaveMessage', value)}
                error={error}
              />
              <Field
                label={t('safeContact.safeWord')}
                name="safeContact.safeWord"
                hint={t('safeContact.safeWordHint')}
                error={error}
                autoComplete="off"
                maxLength={webFormLimits.safeWordMaxLength}
                value={answers.safeWord}
                onChange={(event) => set('safeWord', event.target.value)}
              />
            </fieldset>
          </>
        )}
        {/* The honeypot: hidden from sight and from screen readers, out of the tab order. People
            never fill it; robots that fill every field are told "received" and nothing is kept. */}
        <div className="form-trap" aria-hidden="true">
          <label htmlFor="form-website">{t('trap')}</label>
          <input
            id="form-website"
            name="website"
            type="text"
            tabIndex={-1}
            autoComplete="off"
            value={answers.website}
            onChange={(event) => set('website', event.target.value)}
          />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy || !supported}>
            {busy ? t('sending') : t('submit')}
          </button>
          <p className="form-status" role="status">
            {busy ? t('preparing') : ''}
          </p>
        </div>
      </form>
    </>
  )
}

/** The language the person would rather use, if not English or French. */
function PreferredLanguage({
  value,
  options,
  onChange,
  error,
}: {
  value: string
  options: { value: string; label: string }[]
  onChange: (value: string) => void
  error: ApiError | null
}) {
  const { t } = useTranslation('form')
  const id = useId()
  const label = t('preferredLanguage.label')
  const message = useFieldMessage(error, 'preferredLanguage', label)
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={[`${id}-hint`, message && `${id}-error`].filter(Boolean).join(' ')}
        aria-invalid={message ? true : undefined}
      >
        <option value="">{t('preferredLanguage.none')}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <p id={`${id}-hint`} className="field-hint">
        {t('preferredLanguage.hint')}
      </p>
      {message && (
        <p id={`${id}-error`} className="field-error">
          {message}
        </p>
      )}
    </div>
  )
}
