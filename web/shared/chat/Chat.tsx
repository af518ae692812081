import { type FormEvent, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { chatLanguages } from '../../../common/languages.ts'
import { type ApiClient, ApiError } from '../api.ts'
import { Conversation } from './Conversation.tsx'
import { ChatConnection, openConversation, type SafeToChat } from './chat-client.ts'
import { PreferredLanguage } from './PreferredLanguage.tsx'
import { chatSession } from './session.ts'
import { emergencyNumber } from './settings.ts'
import './chat.css'

type Heading = 'h1' | 'h2'

/**
 * The visitor's web chat, the same in the embeddable widget and on the portal's chat page: the
 * language (English or French), two optional questions, then the conversation. Each step the person
 * moves to takes the focus, as a new page would.
 */
export function Chat({ api, host, heading = 'h1' }: { api: ApiClient; host: string; heading?: Heading }) {
  const phase = useSyncExternalStore(chatSession.subscribe, chatSession.phase)
  const moved = useRef(false)
  const go: typeof chatSession.go = (next) => {
    moved.current = true
    chatSession.go(next)
  }
  useEffect(() => {
    if (!moved.current) return
    moved.current = false
    document.getElementById(phase.step === 'chat' ? 'chat-message' : 'chat-step-heading')?.focus()
  }, [phase])

  return (
    <div className="chat">
      {phase.step === 'language' && (
        <LanguageStep heading={heading} onChoose={(language) => go({ step: 'questions', language })} />
      )}
      {phase.step === 'questions' && (
        <QuestionsStep
          api={api}
          host={host}
          heading={heading}
          language={phase.language}
          onBack={() => go({ step: 'language' })}
          onOpened={(connection) => go({ step: 'chat', language: phase.language, connection })}
        />
      )}
      {phase.step === 'chat' && (
        <Conversation
          connection={phase.connection}
          host={host}
          heading={heading}
          onRestart={() => go({ step: 'language' })}
        />
      )}
    </div>
  )
}

/** English or French, each button named in both, since the person has not chosen yet. */
function LanguageStep({
  heading: H,
  onChoose,
}: {
  heading: Heading
  onChoose: (language: 'en' | 'fr') => void
}) {
  const { i18n } = useTranslation('chat')
  // The interface language first, the other beside it.
  const order: ('en' | 'fr')[] = i18n.language === 'fr' ? ['fr', 'en'] : ['en', 'fr']
  const inLanguage = (language: 'en' | 'fr', key: string) => i18n.getFixedT(language, 'chat')(key)
  const choose = (language: 'en' | 'fr') => {
    void i18n.changeLanguage(language)
    onChoose(language)
  }
  return (
    <section className="chat-step" aria-labelledby="chat-step-heading">
      <H id="chat-step-heading" tabIndex={-1}>
        {order.map((language, index) => (
          <span key={language} lang={language} className="chat-bilingual">
            {index > 0 && <span aria-hidden="true"> / </span>}
            {inLanguage(language, 'language.heading')}
          </span>
        ))}
      </H>
      {order.map((language) => (
        <p key={language} lang={language} className="chat-intro">
          {inLanguage(language, 'language.intro')}
        </p>
      ))}
      <div className="chat-languages">
        {(['en', 'fr'] as const).map((language) => {
          const names = chatLanguages.find((entry) => entry.code === language)!
          const other = language === 'en' ? 'fr' : 'en'
          return (
            <button key={language} type="button" className="chat-language" onClick={() => choose(language)}>
              <span lang={language} className="chat-language-name">
                {names.native}
              </span>{' '}
              <span lang={other} className="chat-language-other">
                {names[other]}
              </span>
            </button>
          )
        })}
      </div>
    </section>
  )
}

function QuestionsStep({
  api,
  host,
  heading: H,
  language,
  onBack,
  onOpened,
}: {
  api: ApiClient
  host: string
  heading: Heading
  language: 'en' | 'fr'
  onBack: () => void
  onOpened: (connection: ChatConnection) => void
}) {
  const { t } = useTranslation('chat')
  const [preferred, setPreferred] = useState('')
  const [safe, setSafe] = useState<SafeToChat | 'skip' | ''>('')
  const [opening, setOpening] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const start = async (event: FormEvent) => {
    event.preventDefault()
    if (opening) return
    setOpening(true)
    setProblem(null)
    try {
      const opened = await openConversation(api, {
        language,
        ...(preferred ? { preferredLanguage: preferred } : {}),
        ...(safe && safe !== 'skip' ? { safeToChat: safe } : {}),
      })
      onOpened(new ChatConnection(opened))
    } catch (error) {
      setOpening(false)
      // Announced by its role; the button, now "Try again", keeps the focus.
      setProblem(error instanceof ApiError ? error.message : t('common:error.network'))
    }
  }
  return (
    <section className="chat-step" aria-labelledby="chat-step-heading">
      <H id="chat-step-heading" tabIndex={-1}>
        {t('questions.heading')}
      </H>
      <form onSubmit={start} noValidate>
        <PreferredLanguage value={preferred} onChange={setPreferred} />
        <fieldset className="chat-safe" aria-describedby={safe === 'no' ? 'chat-not-safe' : undefined}>
          <legend>{t('safe.legend')}</legend>
          {(['yes', 'no', 'unsure', 'skip'] as const).map((answer) => (
            <label key={answer} className="chat-choice">
              <input
                type="radio"
                name="chat-safe"
                value={answer}
                checked={safe === answer}
                onChange={() => setSafe(answer)}
              />
              {t(`safe.${answer}`)}
            </label>
          ))}
          {safe === 'no' && (
            <p id="chat-not-safe" className="chat-not-safe">
              {t('safe.notSafe', { number: emergencyNumber() })}
            </p>
          )}
        </fieldset>
        {problem && (
          <p className="alert" role="alert">
            {problem}
          </p>
        )}
        <div className="chat-actions">
          {/* aria-disabled, not disabled: a disabled button would drop the focus while the chat opens. */}
          <button type="submit" aria-disabled={opening}>
            {opening ? t('questions.opening') : problem ? t('retry') : t('questions.start')}
          </button>
          <button type="button" className="secondary" onClick={onBack} disabled={opening}>
            {t('questions.change')}
          </button>
        </div>
      </form>
      <p className="chat-trace">{t('trace', { host })}</p>
    </section>
  )
}
