import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { callerTypes, type StaffMessage, type Workspace } from '../../../common/contracts/intake.ts'
import { provinceCodes, provinces } from '../../../common/geography.ts'
import { chatLanguages } from '../../../common/languages.ts'
import { ApiError } from '../../shared/api.ts'
import { ErrorAlert } from '../../shared/fields.tsx'
import { ConversationCase } from '../cases/ConversationCase.tsx'
import { useConsole } from '../session.tsx'
import type { LiveFrame } from './live.ts'
import { languageName } from './WorkspacePage.tsx'

export type MessageFrame = Extract<LiveFrame, { type: 'messages' | 'delivery' }>

const classifications = ['trafficking', 'non_trafficking_concern', 'information_request', 'other'] as const
const cannedKeys = ['greeting', 'safety', 'confidential', 'referral', 'closing'] as const

interface Detail {
  id: string
  channel: string
  status: string
  language: string
  preferredLanguage: string | null
  interpreterNeeded: boolean
  inDanger: boolean
  safeToChat: 'yes' | 'no' | 'unsure' | null
  repeatContact: { earlierSignals: number } | null
  messages: StaffMessage[]
  forms: FormAnswers[]
}

interface FormAnswers {
  reference: string
  kind: 'concern' | 'help' | 'information'
  anonymous: boolean
  contact: { name: string | null; phone: string | null; email: string | null } | null
  safeContact: {
    method: string
    safeTimes: string | null
    leaveMessage: boolean | null
    safeWord: string | null
  } | null
}

/**
 * One conversation: its transcript (loaded once, then extended as the socket reports new messages),
 * the reply box with canned responses in the conversation's language, transfer, end and wrap-up.
 */
export function Conversation({
  signalId,
  summary,
  colleagues,
  subscribe,
}: {
  signalId: string
  summary: Workspace['conversations'][number] | undefined
  colleagues: Workspace['colleagues']
  subscribe: (listener: (frame: MessageFrame) => void) => () => void
}) {
  const { t, i18n } = useTranslation('workspace')
  const { api } = useConsole()
  const [detail, setDetail] = useState<Detail | null>(null)
  const [draft, setDraft] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  const [notice, setNotice] = useState('')
  const replyId = useId()
  const cannedId = useId()
  const log = useRef<HTMLOListElement>(null)

  const load = useCallback(async () => {
    try {
      const loaded = await api.get<Detail>(`/api/intake/signals/${signalId}`)
      // Messages pushed while the read was on its way are newer than what it returns: keep them.
      setDetail((current) => {
        const last = loaded.messages.at(-1)?.seq ?? 0
        const newer = current?.messages.filter((message) => message.seq > last) ?? []
        return { ...loaded, messages: [...loaded.messages, ...newer] }
      })
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
    }
  }, [api, signalId])
  useEffect(() => {
    void load()
  }, [load])
  // New messages arrive over the socket and extend the transcript; after a gap in sequence numbers
  // (a dropped connection) or a delivery update, the transcript is read again.
  useEffect(
    () =>
      subscribe((frame) => {
        if (frame.signalId !== signalId) return
        if (frame.type === 'delivery') {
          void load()
          return
        }
        setDetail((current) => {
          if (!current) return current
          const last = current.messages.at(-1)?.seq ?? 0
          const fresh = frame.messages.filter((message) => message.seq > last)
          if (fresh.length === 0) return current
          if (fresh[0]?.seq !== last + 1) {
            void load()
            return current
          }
          return { ...current, messages: [...current.messages, ...fresh] }
        })
      }),
    [subscribe, signalId, load],
  )
  useEffect(() => {
    if (summary?.status && detail && summary.status !== detail.status) void load()
  }, [summary?.status, detail, load])
  useEffect(() => {
    if (detail) log.current?.lastElementChild?.scrollIntoView?.({ block: 'nearest' })
  }, [detail])

  const act = async (work: () => Promise<unknown>, done?: string) => {
    setError(null)
    try {
      await work()
      if (done) setNotice(done)
      await load()
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
    }
  }

  if (!detail) return <ErrorAlert error={error} />
  const conversationT = i18n.getFixedT(detail.language === 'fr' ? 'fr' : 'en', 'workspace')
  const wrapUp = detail.status === 'wrap_up'
  const channel = t(`channel.${detail.channel}`)
  const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' })

  return (
    <article className="conversation panel" aria-labelledby={`${signalId}-heading`}>
      <h3 id={`${signalId}-heading`}>{t('conversation.heading', { channel })}</h3>
      <ul className="conversation-facts">
        {detail.inDanger && <li className="badge danger">{t('offers.inDanger')}</li>}
        {detail.safeToChat && <li>{t(`conversation.safe.${detail.safeToChat}`)}</li>}
        {detail.interpreterNeeded && detail.preferredLanguage && (
          <li>
            {t('conversation.interpreter', {
              language: languageName(detail.preferredLanguage, i18n.language),
            })}
          </li>
        )}
        {detail.repeatContact && (
          <li>
            {detail.repeatContact.earlierSignals > 0
              ? t('conversation.repeat', { count: detail.repeatContact.earlierSignals })
              : t('conversation.firstContact')}
          </li>
        )}
      </ul>
      {detail.forms.map((form) => (
        <FormPanel key={form.reference} form={form} />
      ))}
      <h4>{t('conversation.transcript')}</h4>
      <ol className="transcript" ref={log} aria-live="polite">
        {detail.messages.map((message) => (
          <li key={message.seq} className={`bubble ${message.direction}`}>
            <span className="bubble-meta">
              {t(`conversation.from.${message.direction}`)} · {time.format(new Date(message.at))}
              {message.deliveryStatus && ` · ${t(`conversation.delivery.${message.deliveryStatus}`)}`}
            </span>
            <span className="bubble-body">{message.body}</span>
          </li>
        ))}
      </ol>
      <div aria-live="polite">{notice && <p className="notice">{notice}</p>}</div>
      <ErrorAlert error={error} />
      <ConversationCase signalId={signalId} />
      {!wrapUp && (
        <>
          <form
            className="reply"
            onSubmit={(event) => {
              event.preventDefault()
              const body = draft.trim()
              if (!body) return
              void act(async () => {
                await api.send('POST', `/api/intake/signals/${signalId}/messages`, { body })
                setDraft('')
              })
            }}
          >
            <div className="field">
              <label htmlFor={cannedId}>{t('conversation.canned')}</label>
              <select
                id={cannedId}
                value=""
                onChange={(event) => {
                  const key = event.target.value
                  if (key)
                    setDraft((current) => (current ? `${current} ` : '') + conversationT(`canned.${key}`))
                }}
              >
                <option value="">{t('conversation.cannedNone')}</option>
                {cannedKeys.map((key) => (
                  <option key={key} value={key}>
                    {conversationT(`canned.${key}`).slice(0, 60)}…
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={replyId}>{t('conversation.reply')}</label>
              <textarea
                id={replyId}
                rows={3}
                maxLength={2000}
                value={draft}
                onChange={(event) => setDraft(event.target.value)}
              />
            </div>
            <div className="row-actions">
              <button type="submit">{t('conversation.send')}</button>
              <button
                type="button"
                className="danger"
                onClick={() =>
                  void act(
                    () => api.send('POST', `/api/intake/signals/${signalId}/end`),
                    t('conversation.ended'),
                  )
                }
              >
                {t('conversation.end')}
              </button>
            </div>
          </form>
          {detail.channel === 'voice' && (
            <button
              type="button"
              className="secondary"
              onClick={() =>
                void act(
                  () => api.send('POST', `/api/intake/voice/${signalId}/interpreter`),
                  t('voice.interpreterDone'),
                )
              }
            >
              {t('voice.interpreter')}
            </button>
          )}
          <Transfer
            colleagues={colleagues}
            onTransfer={(transfer) =>
              act(() => api.send('POST', `/api/intake/signals/${signalId}/transfer`, transfer))
            }
          />
        </>
      )}
      {wrapUp && (
        <WrapUp
          onComplete={(wrap) =>
            act(() => api.send('POST', `/api/intake/signals/${signalId}/wrap-up`, wrap), t('wrapUp.done'))
          }
        />
      )}
    </article>
  )
}

function Transfer({
  colleagues,
  onTransfer,
}: {
  colleagues: Workspace['colleagues']
  onTransfer: (transfer: {
    toAdvocateId: string | null
    toLanguage: string | null
    note: string | null
  }) => Promise<void>
}) {
  const { t, i18n } = useTranslation('workspace')
  const [to, setTo] = useState('')
  const [language, setLanguage] = useState('')
  const [note, setNote] = useState('')
  const toId = useId()
  const languageId = useId()
  const noteId = useId()
  return (
    <details className="transfer">
      <summary>{t('conversation.transfer')}</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          void onTransfer({
            toAdvocateId: to || null,
            toLanguage: language || null,
            note: note.trim() || null,
          })
        }}
      >
        <div className="field">
          <label htmlFor={toId}>{t('conversation.transferTo')}</label>
          <select id={toId} value={to} onChange={(event) => setTo(event.target.value)}>
            <option value="">{t('conversation.nobody')}</option>
            {colleagues.map((colleague) => (
              <option key={colleague.staffId} value={colleague.staffId}>
                {colleague.displayName} ({t(`presence.states.${colleague.state}`)})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={languageId}>{t('conversation.transferQueue')}</label>
          <select id={languageId} value={language} onChange={(event) => setLanguage(event.target.value)}>
            <option value="">{t('conversation.nobody')}</option>
            {chatLanguages.map((option) => (
              <option key={option.code} value={option.code}>
                {languageName(option.code, i18n.language)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={noteId}>{t('conversation.transferNote')}</label>
          <textarea
            id={noteId}
            rows={2}
            maxLength={1000}
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
        </div>
        <button type="submit">{t('conversation.transferDo')}</button>
      </form>
    </details>
  )
}

interface WrapUpBody {
  classification: string
  note: string | null
  province: string | null
  callerType: string | null
}

function WrapUp({ onComplete }: { onComplete: (wrap: WrapUpBody) => Promise<void> }) {
  const { t, i18n } = useTranslation('workspace')
  const lang = i18n.language === 'fr' ? 'fr' : 'en'
  const [classification, setClassification] = useState('')
  const [note, setNote] = useState('')
  const [province, setProvince] = useState('')
  const [callerType, setCallerType] = useState('')
  const [missing, setMissing] = useState(false)
  const noteId = useId()
  const errorId = useId()
  const provinceId = useId()
  const callerTypeId = useId()
  const hintId = useId()
  return (
    <form
      className="wrap-up"
      onSubmit={(event) => {
        event.preventDefault()
        if (!classification) {
          setMissing(true)
          return
        }
        void onComplete({
          classification,
          note: note.trim() || null,
          province: province || null,
          callerType: callerType || null,
        })
      }}
    >
      <h4>{t('wrapUp.heading')}</h4>
      <fieldset aria-describedby={missing ? errorId : undefined} aria-invalid={missing || undefined}>
        <legend>{t('wrapUp.classification')}</legend>
        {classifications.map((value) => (
          <label key={value} className="check">
            <input
              type="radio"
              name="classification"
              value={value}
              checked={classification === value}
              onChange={() => {
                setClassification(value)
                setMissing(false)
              }}
            />
            {t(`wrapUp.classes.${value}`)}
          </label>
        ))}
      </fieldset>
      {missing && (
        <p id={errorId} className="field-error" role="alert">
          {t('wrapUp.required')}
        </p>
      )}
      <p id={hintId} className="field-hint">
        {t('wrapUp.asSaid')}
      </p>
      <div className="field">
        <label htmlFor={provinceId}>{t('wrapUp.province')}</label>
        <select
          id={provinceId}
          aria-describedby={hintId}
          value={province}
          onChange={(event) => setProvince(event.target.value)}
        >
          <option value="">{t('wrapUp.notRecorded')}</option>
          {provinceCodes.map((code) => (
            <option key={code} value={code}>
              {provinces[code][lang]}
            </option>
          ))}
          <option value="unknown">{t('wrapUp.unknown')}</option>
          <option value="declined">{t('wrapUp.declined')}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={callerTypeId}>{t('wrapUp.callerType')}</label>
        <select
          id={callerTypeId}
          aria-describedby={hintId}
          value={callerType}
          onChange={(event) => setCallerType(event.target.value)}
        >
          <option value="">{t('wrapUp.notRecorded')}</option>
          {callerTypes.map((value) => (
            <option key={value} value={value}>
              {t(`wrapUp.callerTypes.${value}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={noteId}>{t('wrapUp.note')}</label>
        <textarea
          id={noteId}
          rows={2}
          maxLength={2000}
          value={note}
          onChange={(event) => setNote(event.target.value)}
        />
      </div>
      <button type="submit">{t('wrapUp.complete')}</button>
    </form>
  )
}

function FormPanel({ form }: { form: FormAnswers }) {
  const { t } = useTranslation(['workspace', 'form'])
  const safe = form.safeContact
  return (
    <section className="form-answers" aria-label={t('form.heading')}>
      <h4>{t('form.heading')}</h4>
      <p>
        <strong>{t(`form:kind.${form.kind}`)}</strong> — {t('form.reference', { reference: form.reference })}
      </p>
      {form.anonymous && <p>{t('form.anonymous')}</p>}
      {!form.anonymous && !form.contact && <p>{t('form.noContact')}</p>}
      {form.contact && (
        <ul>
          {form.contact.name && <li>{`${t('form:contact.name')}: ${form.contact.name}`}</li>}
          {form.contact.phone && <li>{`${t('form:contact.phone')}: ${form.contact.phone}`}</li>}
          {form.contact.email && <li>{`${t('form:contact.email')}: ${form.contact.email}`}</li>}
        </ul>
      )}
      {safe && (
        <ul>
          <li>{t('form.method', { method: t(`form:safeContact.${safe.method}`) })}</li>
          {safe.safeTimes && <li>{t('form.safeTimes', { times: safe.safeTimes })}</li>}
          {safe.leaveMessage !== null && (
            <li>
              {t('form.leaveMessage', { answer: t(`form:safeContact.${safe.leaveMessage ? 'yes' : 'no'}`) })}
            </li>
          )}
          {safe.safeWord && <li>{t('form.safeWord', { word: safe.safeWord })}</li>}
        </ul>
      )}
    </section>
  )
}
