import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { type ChatConnection, type ChatMessage, MAX_MESSAGE_CHARS } from './chat-client.ts'
import { emergencyNumber } from './settings.ts'

/** How many of the advocate's latest messages the live region holds for screen readers. */
const ANNOUNCED = 3

/**
 * The conversation: where it stands (waiting, connected, ended) in a status region, the messages in
 * sequence order, and the box to write in. The advocate's new messages are read out through a
 * polite live region; the person's own are not read back to them.
 */
export function Conversation({
  connection,
  host,
  heading: H,
  onRestart,
}: {
  connection: ChatConnection
  host: string
  heading: 'h1' | 'h2'
  onRestart: () => void
}) {
  const { t, i18n } = useTranslation('chat')
  const chat = useSyncExternalStore(connection.subscribe, connection.snapshot)
  const [draft, setDraft] = useState('')
  const logRef = useRef<HTMLOListElement>(null)
  // A conversation the server no longer knows (or that was left offline) is over too.
  const ended = chat.state === 'ended' || chat.connection === 'closed'

  // Announces only what arrives from now on: coming back to the page does not read it all again.
  const announced = useRef<Set<string> | null>(null)
  const [announcements, setAnnouncements] = useState<ChatMessage[]>([])
  useEffect(() => {
    const fromAdvocate = chat.messages.filter((message) => message.from === 'advocate')
    if (!announced.current) {
      announced.current = new Set(fromAdvocate.map((message) => message.key))
      return
    }
    const seen = announced.current
    const fresh = fromAdvocate.filter((message) => !seen.has(message.key))
    if (fresh.length === 0) return
    for (const message of fresh) seen.add(message.key)
    setAnnouncements((previous) => [...previous, ...fresh].slice(-ANNOUNCED))
  }, [chat.messages])

  useEffect(() => {
    const log = logRef.current
    if (log && chat.messages.length > 0) log.scrollTop = log.scrollHeight
  }, [chat.messages.length])

  // The box written in goes away when the conversation ends: the focus goes to what comes next.
  useEffect(() => {
    if (!ended) return
    const active = document.activeElement
    if (!active || active === document.body) document.getElementById('chat-restart')?.focus()
  }, [ended])

  const submit = (event?: FormEvent) => {
    event?.preventDefault()
    if (!draft.trim()) return
    connection.send(draft)
    setDraft('')
  }
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event)
  }

  const time = new Intl.DateTimeFormat(i18n.language, { hour: 'numeric', minute: '2-digit' })
  const stateKey = ended ? 'ended' : chat.connection === 'connecting' ? 'connecting' : chat.state

  return (
    <section className="chat-conversation" aria-labelledby="chat-state-heading">
      <div className={`chat-state chat-state-${stateKey}`} role="status">
        <H id="chat-state-heading" className="chat-state-heading">
          {t(`state.${stateKey}`)}
        </H>
        {stateKey === 'waiting' && <p>{t('state.waitingBody', { number: emergencyNumber() })}</p>}
        {stateKey === 'connected' && <p>{t('state.connectedBody')}</p>}
        {stateKey === 'ended' && <p>{t('state.endedBody')}</p>}
      </div>
      <div className="chat-connection" role="status">
        {chat.connection === 'reconnecting' && <p>{t('state.reconnecting')}</p>}
      </div>

      {/* Focusable so the keyboard can scroll it. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard */}
      <ol ref={logRef} className="chat-log" aria-label={t('log.label')} tabIndex={0}>
        {chat.messages.map((message) => (
          <li key={message.key} className={`chat-message chat-from-${message.from}`}>
            <p className="chat-meta">
              <span className="chat-who">
                {message.from === 'visitor' ? t('log.you') : t('log.advocate')}
              </span>
              {message.at && <time dateTime={message.at}>{time.format(new Date(message.at))}</time>}
            </p>
            <p className="chat-body">{message.body}</p>
            {message.status === 'sending' && <p className="chat-pending">{t('log.sending')}</p>}
            {message.status === 'failed' && <p className="chat-failed">{t('log.notSent')}</p>}
          </li>
        ))}
      </ol>
      <div className="visually-hidden" aria-live="polite">
        {announcements.map((message) => (
          <p key={message.key}>{t('log.announce', { body: message.body })}</p>
        ))}
      </div>

      {ended ? (
        <div className="chat-actions">
          <button id="chat-restart" type="button" onClick={onRestart}>
            {t('restart')}
          </button>
        </div>
      ) : (
        <>
          <form className="chat-composer" onSubmit={submit}>
            <label htmlFor="chat-message">{t('composer.label')}</label>
            <div className="chat-compose-row">
              <textarea
                id="chat-message"
                rows={2}
                maxLength={MAX_MESSAGE_CHARS}
                aria-describedby="chat-message-hint"
                value={draft}
                onChange={(event) => setDraft(event.target.value)}
                onKeyDown={onKeyDown}
              />
              <button type="submit">{t('composer.send')}</button>
            </div>
            <p id="chat-message-hint" className="field-hint">
              {t('composer.hint')}
            </p>
          </form>
          <div className="chat-actions">
            <button type="button" className="secondary" onClick={() => connection.leave()}>
              {t('leave')}
            </button>
          </div>
        </>
      )}
      <p className="chat-trace">{t('trace', { host })}</p>
    </section>
  )
}
