import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Workspace } from '../../../common/contracts/intake.ts'
import { chatLanguages } from '../../../common/languages.ts'
import { ApiError } from '../../shared/api.ts'
import { ErrorAlert } from '../../shared/fields.tsx'
import { useConsole } from '../session.tsx'
import { Conversation, type MessageFrame } from './Conversation.tsx'
import { chime, secondsBetween, useLive, useNow } from './live.ts'

type Offer = Workspace['offers'][number]
const states = ['available', 'busy', 'wrap_up', 'away'] as const
const skills = ['youth', 'labour', 'indigenous', '2slgbtqi', 'interpreter_calls'] as const

/** The name of a language in the interface language, from the shared list. */
export function languageName(code: string | null, uiLanguage: string): string {
  const entry = chatLanguages.find((language) => language.code === code)
  if (!entry) return code ?? ''
  return uiLanguage === 'fr' ? entry.fr : entry.en
}

/** The advocate's workspace: presence, live offers with a timer and a chime, and their conversations. */
export function WorkspacePage() {
  const { t, i18n } = useTranslation('workspace')
  const { api } = useConsole()
  const [workspace, setWorkspace] = useState<Workspace | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [announcement, setAnnouncement] = useState('')
  const [sound, setSound] = useState(true)
  const known = useRef(new Set<string>())
  const messageListeners = useRef(new Set<(frame: MessageFrame) => void>())

  const { connected } = useLive(
    useCallback(
      (frame) => {
        if (frame.type === 'workspace') {
          const fresh = frame.workspace.offers.filter((offer) => !known.current.has(offer.offerId))
          for (const offer of frame.workspace.offers) known.current.add(offer.offerId)
          if (fresh.length > 0) {
            if (sound) chime()
            setAnnouncement(t('offers.new', { channel: t(`channel.${fresh[0]?.channel}`) }))
          }
          setWorkspace(frame.workspace)
        } else if (frame.type === 'messages' || frame.type === 'delivery') {
          for (const listener of messageListeners.current) listener(frame)
        }
      },
      [sound, t],
    ),
  )

  // The selection follows the list: a conversation that left it (ended, transferred) gives way to the
  // first one. One just accepted may not be listed yet, and stays selected.
  const listed = useRef(new Set<string>())
  useEffect(() => {
    if (!workspace) return
    const ids = workspace.conversations.map((item) => item.id)
    const left = selected !== null && listed.current.has(selected) && !ids.includes(selected)
    if (left || (!selected && ids.length > 0)) setSelected(ids[0] ?? null)
    listed.current = new Set(ids)
  }, [workspace, selected])

  const act = async (work: () => Promise<unknown>) => {
    setError(null)
    try {
      await work()
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
    }
  }
  const accept = (offer: Offer) =>
    act(async () => {
      const { signalId } = await api.send<{ signalId: string }>(
        'POST',
        `/api/intake/offers/${offer.offerId}/accept`,
      )
      setSelected(signalId)
    })
  const decline = (offer: Offer) => act(() => api.send('POST', `/api/intake/offers/${offer.offerId}/decline`))

  return (
    <>
      <div className="workspace-title">
        <h1>{t('heading')}</h1>
        <span className={connected ? 'badge live' : 'badge offline'} role="status">
          {connected ? t('live.connected') : t('live.reconnecting')}
        </span>
      </div>
      <div className="visually-hidden" aria-live="assertive">
        {announcement}
      </div>
      <ErrorAlert error={error} />
      {workspace && (
        <PresencePanel
          workspace={workspace}
          sound={sound}
          onSound={setSound}
          onSave={(presence) => act(() => api.send('PUT', '/api/intake/presence', presence))}
        />
      )}
      <section className="panel" aria-labelledby="offers-heading">
        <h2 id="offers-heading">{t('offers.heading')}</h2>
        {workspace && workspace.offers.length === 0 && <p>{t('offers.empty')}</p>}
        <ul className="offers">
          {workspace?.offers.map((offer) => (
            <OfferCard
              key={offer.offerId}
              offer={offer}
              onAccept={accept}
              onDecline={decline}
              language={i18n.language}
            />
          ))}
        </ul>
      </section>
      <section aria-labelledby="conversations-heading">
        <h2 id="conversations-heading">{t('conversations.heading')}</h2>
        {workspace && workspace.conversations.length === 0 && <p>{t('conversations.empty')}</p>}
        {workspace && workspace.conversations.length > 0 && (
          <div className="conversations">
            <ul className="conversation-tabs">
              {workspace.conversations.map((item, index) => (
                <li key={item.id}>
                  <button
                    type="button"
                    className={item.id === selected ? 'tab current' : 'tab'}
                    aria-pressed={item.id === selected}
                    onClick={() => setSelected(item.id)}
                  >
                    <span>
                      {index + 1}. {t(`channel.${item.channel}`)} ·{' '}
                      {languageName(item.preferredLanguage ?? item.language, i18n.language)}
                    </span>
                    <span className="field-hint">
                      {t(`conversations.status.${item.status === 'wrap_up' ? 'wrap_up' : 'active'}`)}
                    </span>
                    {item.inDanger && <span className="badge danger">{t('offers.inDanger')}</span>}
                  </button>
                </li>
              ))}
            </ul>
            {selected && (
              <Conversation
                key={selected}
                signalId={selected}
                summary={workspace.conversations.find((item) => item.id === selected)}
                colleagues={workspace.colleagues}
                subscribe={(listener) => {
                  messageListeners.current.add(listener)
                  return () => messageListeners.current.delete(listener)
                }}
              />
            )}
          </div>
        )}
      </section>
    </>
  )
}

function OfferCard({
  offer,
  onAccept,
  onDecline,
  language,
}: {
  offer: Offer
  onAccept: (offer: Offer) => void
  onDecline: (offer: Offer) => void
  language: string
}) {
  const { t } = useTranslation('workspace')
  const now = useNow()
  const waited = offer.enqueuedAt ? secondsBetween(offer.enqueuedAt, now) : 0
  const left = Math.max(0, Math.round((new Date(offer.expiresAt).getTime() - now) / 1000))
  return (
    <li className={offer.inDanger ? 'offer danger' : 'offer'}>
      <p className="offer-title">
        <strong>
          {t('offers.item', {
            channel: t(`channel.${offer.channel}`),
            language: languageName(offer.language, language),
          })}
        </strong>
        {offer.preferredLanguage && (
          <span>
            {' '}
            · {t('offers.preferred', { language: languageName(offer.preferredLanguage, language) })}
          </span>
        )}
        {offer.inDanger && <span className="badge danger">{t('offers.inDanger')}</span>}
      </p>
      <p className="field-hint">
        {t('offers.waited', { seconds: waited })} ·{' '}
        <span className="timer">{t('offers.expiresIn', { seconds: left })}</span>
      </p>
      <div className="row-actions">
        <button type="button" onClick={() => onAccept(offer)}>
          {t('offers.accept')}
        </button>
        <button type="button" className="secondary" onClick={() => onDecline(offer)}>
          {t('offers.decline')}
        </button>
      </div>
    </li>
  )
}

function PresencePanel({
  workspace,
  sound,
  onSound,
  onSave,
}: {
  workspace: Workspace
  sound: boolean
  onSound: (on: boolean) => void
  onSave: (presence: { state: string; languages: string[]; skills: string[] }) => Promise<void>
}) {
  const { t, i18n } = useTranslation('workspace')
  const current = workspace.presence
  const [state, setState] = useState<string>(current?.state ?? 'away')
  const [languages, setLanguages] = useState<string[]>(
    current?.languages ?? [i18n.language === 'fr' ? 'fr' : 'en'],
  )
  const [chosenSkills, setSkills] = useState<string[]>(current?.skills ?? [])
  const [notice, setNotice] = useState('')
  const stateId = useId()
  const addId = useId()
  // The server's word wins when it changes the state itself (an offer left to lapse sets away).
  useEffect(() => {
    if (current) setState(current.state)
  }, [current?.state, current])
  const toggle = (list: string[], value: string) =>
    list.includes(value) ? list.filter((item) => item !== value) : [...list, value]

  return (
    <section className="panel" aria-labelledby="presence-heading">
      <h2 id="presence-heading">{t('presence.heading')}</h2>
      <form
        className="presence-form"
        onSubmit={(event) => {
          event.preventDefault()
          void onSave({ state, languages, skills: chosenSkills }).then(() =>
            setNotice(t('presence.saved', { state: t(`presence.states.${state}`) })),
          )
        }}
      >
        <div className="field">
          <label htmlFor={stateId}>{t('presence.state')}</label>
          <select id={stateId} value={state} onChange={(event) => setState(event.target.value)}>
            {states.map((value) => (
              <option key={value} value={value}>
                {t(`presence.states.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <fieldset>
          <legend>{t('presence.languages')}</legend>
          {languages.map((code) => (
            <label key={code} className="check">
              <input type="checkbox" checked onChange={() => setLanguages(toggle(languages, code))} />
              {languageName(code, i18n.language)}
            </label>
          ))}
          <label htmlFor={addId} className="field-hint">
            {t('presence.addLanguage')}
          </label>
          <select
            id={addId}
            value=""
            onChange={(event) => {
              if (event.target.value) setLanguages([...languages, event.target.value])
            }}
          >
            <option value="">{t('presence.none')}</option>
            {chatLanguages
              .filter((language) => !languages.includes(language.code))
              .map((language) => (
                <option key={language.code} value={language.code}>
                  {languageName(language.code, i18n.language)}
                </option>
              ))}
          </select>
        </fieldset>
        <fieldset>
          <legend>{t('presence.skills')}</legend>
          {skills.map((skill) => (
            <label key={skill} className="check">
              <input
                type="checkbox"
                checked={chosenSkills.includes(skill)}
                onChange={() => setSkills(toggle(chosenSkills, skill))}
              />
              {t(`presence.skill.${skill}`)}
            </label>
          ))}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={sound} onChange={(event) => onSound(event.target.checked)} />
          {t('presence.sound')}
        </label>
        <button type="submit">{t('presence.save')}</button>
        <span aria-live="polite" className="field-hint">
          {notice}
        </span>
      </form>
      <VoiceNumber />
    </section>
  )
}

/** The number Relais rings when this advocate accepts a call (write-only: it is stored sealed). */
function VoiceNumber() {
  const { t } = useTranslation('workspace')
  const { api } = useConsole()
  const [number, setNumber] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  const [notice, setNotice] = useState('')
  const id = useId()
  const hintId = useId()
  return (
    <form
      className="presence-form"
      onSubmit={(event) => {
        event.preventDefault()
        setError(null)
        api.send('PUT', '/api/intake/voice/number', { number: number.trim() || null }).then(
          () => setNotice(t('voice.saved')),
          (caught) => setError(caught instanceof ApiError ? caught : null),
        )
      }}
    >
      <div className="field">
        <label htmlFor={id}>{t('voice.number')}</label>
        <input
          id={id}
          type="tel"
          autoComplete="tel"
          value={number}
          aria-describedby={hintId}
          aria-invalid={error?.field('number') ? true : undefined}
          onChange={(event) => setNumber(event.target.value)}
        />
        <span id={hintId} className="field-hint">
          {t('voice.numberHint')}
        </span>
        {error?.field('number') && <span className="field-error">{error.field('number')?.message}</span>}
      </div>
      <button type="submit" className="secondary">
        {t('voice.save')}
      </button>
      <span aria-live="polite" className="field-hint">
        {notice}
      </span>
    </form>
  )
}
