import { useCallback, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Board } from '../../../common/contracts/intake.ts'
import { ApiError } from '../../shared/api.ts'
import { ErrorAlert } from '../../shared/fields.tsx'
import { ScrollRegion } from '../ScrollRegion.tsx'
import { useConsole } from '../session.tsx'
import { secondsBetween, useLive, useNow } from './live.ts'
import { languageName } from './WorkspacePage.tsx'

interface DeadLetter {
  id: string
  signalId: string
  channel: string
  attempts: number
  lastError: string | null
  deadAt: string
}

/** The supervisor's live board, pushed over the console's socket; waits tick on the page's clock. */
export function BoardPage() {
  const { t, i18n } = useTranslation('workspace')
  const { api } = useConsole()
  const [board, setBoard] = useState<Board | null>(null)
  const [deadLetters, setDeadLetters] = useState<DeadLetter[]>([])
  const [error, setError] = useState<ApiError | null>(null)
  const [notice, setNotice] = useState('')
  const now = useNow()

  const loadDeadLetters = useCallback(async () => {
    try {
      setDeadLetters((await api.get<{ deadLetters: DeadLetter[] }>('/api/intake/dead-letters')).deadLetters)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
    }
  }, [api])
  const { connected } = useLive(
    useCallback(
      (frame) => {
        if (frame.type === 'board') {
          setBoard((previous) => {
            if (previous && previous.failedDeliveries !== frame.board.failedDeliveries) void loadDeadLetters()
            return frame.board
          })
        }
      },
      [loadDeadLetters],
    ),
  )
  useEffect(() => {
    void loadDeadLetters()
  }, [loadDeadLetters])

  const act = async (work: () => Promise<unknown>, done: string) => {
    setError(null)
    try {
      await work()
      setNotice(done)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
    }
  }
  const duration = (seconds: number) =>
    t('duration', { minutes: Math.floor(seconds / 60), seconds: seconds % 60 })
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent' })
  const clock = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium' })
  const names = new Map(board?.advocates.map((advocate) => [advocate.staffId, advocate.displayName]))
  const queueLabel = (queue: string) => {
    const [group, language] = queue.split('.')
    return `${t(`board.group.${group}`)} · ${languageName(language ?? '', i18n.language)}`
  }

  return (
    <>
      <div className="workspace-title">
        <h1>{t('board.heading')}</h1>
        <span className={connected ? 'badge live' : 'badge offline'} role="status">
          {connected ? t('live.connected') : t('live.reconnecting')}
        </span>
        {board && (
          <span className="field-hint">{t('board.updated', { time: clock.format(new Date(board.at)) })}</span>
        )}
      </div>
      <div aria-live="polite">{notice && <p className="notice">{notice}</p>}</div>
      <ErrorAlert error={error} />
      {board && (
        <>
          <section className="panel" aria-labelledby="queues-heading">
            <h2 id="queues-heading">{t('board.queues')}</h2>
            {board.queues.length === 0 ? (
              <p>{t('board.noQueue')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('board.queue')}</th>
                    <th scope="col">{t('board.waiting')}</th>
                    <th scope="col">{t('board.longest')}</th>
                    <th scope="col">{t('board.inDanger')}</th>
                  </tr>
                </thead>
                <tbody>
                  {board.queues.map((queue) => (
                    <tr key={queue.queue}>
                      <th scope="row">{queueLabel(queue.queue)}</th>
                      <td data-testid={`waiting-${queue.queue}`}>{queue.waiting}</td>
                      <td>
                        {queue.oldestEnqueuedAt
                          ? duration(secondsBetween(queue.oldestEnqueuedAt, now))
                          : t('board.none')}
                      </td>
                      <td>{queue.inDanger}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="panel" aria-labelledby="advocates-heading">
            <h2 id="advocates-heading">{t('board.advocates')}</h2>
            <ScrollRegion label={t('board.advocates')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('board.name')}</th>
                    <th scope="col">{t('board.state')}</th>
                    <th scope="col">{t('board.since')}</th>
                    <th scope="col">{t('board.languages')}</th>
                    <th scope="col">{t('board.load')}</th>
                    <th scope="col">{t('board.offered')}</th>
                  </tr>
                </thead>
                <tbody>
                  {board.advocates.map((advocate) => (
                    <tr key={advocate.staffId}>
                      <th scope="row">{advocate.displayName}</th>
                      <td>{t(`presence.states.${advocate.state}`)}</td>
                      <td>{duration(secondsBetween(advocate.since, now))}</td>
                      <td>
                        {advocate.languages.map((code) => languageName(code, i18n.language)).join(', ')}
                      </td>
                      <td>{t('board.loadValue', advocate.load)}</td>
                      <td>{advocate.offered}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          </section>
          <section className="panel" aria-labelledby="level-heading">
            <h2 id="level-heading">{t('board.serviceLevel', { seconds: board.thresholdSeconds })}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('board.channel')}</th>
                  <th scope="col">{t('board.offeredCount')}</th>
                  <th scope="col">{t('board.answered')}</th>
                  <th scope="col">{t('board.inTime')}</th>
                  <th scope="col">{t('board.level')}</th>
                  <th scope="col">{t('board.abandoned')}</th>
                  <th scope="col">{t('board.averageAnswer')}</th>
                </tr>
              </thead>
              <tbody>
                {board.serviceLevel.map((row) => (
                  <tr key={row.channel}>
                    <th scope="row">{t(`channel.${row.channel}`)}</th>
                    <td>{row.offered}</td>
                    <td>{row.answered}</td>
                    <td>{row.answeredInTime}</td>
                    <td>{row.level === null ? t('board.none') : percent.format(row.level)}</td>
                    <td>{row.abandoned}</td>
                    <td>
                      {row.averageAnswerSeconds === null
                        ? t('board.none')
                        : duration(row.averageAnswerSeconds)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>{t('board.failedDeliveries', { count: board.failedDeliveries })}</p>
          </section>
          <section className="panel" aria-labelledby="open-heading">
            <h2 id="open-heading">{t('board.conversations')}</h2>
            {board.conversations.length === 0 && <p>{t('board.noConversations')}</p>}
            <ScrollRegion label={t('board.conversations')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('board.signal')}</th>
                    <th scope="col">{t('board.queue')}</th>
                    <th scope="col">{t('board.status')}</th>
                    <th scope="col">{t('board.advocate')}</th>
                    <th scope="col">{t('board.reassign')}</th>
                  </tr>
                </thead>
                <tbody>
                  {board.conversations.map((item) => (
                    <tr key={item.signalId}>
                      <th scope="row">
                        {item.signalId.slice(0, 8)}
                        {item.inDanger && <span className="badge danger">{t('offers.inDanger')}</span>}
                      </th>
                      <td>{queueLabel(item.queue)}</td>
                      <td>{t(`board.statuses.${item.status}`)}</td>
                      <td>
                        {item.advocateId ? (names.get(item.advocateId) ?? t('board.none')) : t('board.none')}
                      </td>
                      <td>
                        {item.status !== 'wrap_up' && (
                          <Reassign
                            signal={item.signalId.slice(0, 8)}
                            advocates={board.advocates.filter(
                              (advocate) => advocate.staffId !== item.advocateId,
                            )}
                            onReassign={(toAdvocateId) =>
                              act(
                                () =>
                                  api.send('POST', `/api/intake/signals/${item.signalId}/reassign`, {
                                    toAdvocateId,
                                  }),
                                t('board.reassigned', { signal: item.signalId.slice(0, 8) }),
                              )
                            }
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          </section>
        </>
      )}
      <section className="panel" aria-labelledby="dead-heading">
        <h2 id="dead-heading">{t('board.deadLetters')}</h2>
        {deadLetters.length === 0 ? (
          <p>{t('board.noDeadLetters')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('board.signal')}</th>
                <th scope="col">{t('board.channel')}</th>
                <th scope="col">{t('board.error')}</th>
                <th scope="col">{t('board.at')}</th>
                <th scope="col">{t('board.retry')}</th>
              </tr>
            </thead>
            <tbody>
              {deadLetters.map((letter) => (
                <tr key={letter.id}>
                  <th scope="row">{letter.signalId.slice(0, 8)}</th>
                  <td>{t(`channel.${letter.channel}`)}</td>
                  <td>{letter.lastError ?? t('board.none')}</td>
                  <td>{clock.format(new Date(letter.deadAt))}</td>
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      onClick={() =>
                        void act(async () => {
                          await api.send('POST', `/api/intake/dead-letters/${letter.id}/retry`)
                          await loadDeadLetters()
                        }, t('board.retried'))
                      }
                    >
                      {t('board.retry')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}

function Reassign({
  signal,
  advocates,
  onReassign,
}: {
  signal: string
  advocates: Board['advocates']
  onReassign: (toAdvocateId: string) => Promise<void>
}) {
  const { t } = useTranslation('workspace')
  const [to, setTo] = useState('')
  const id = useId()
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault()
        if (to) void onReassign(to)
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        {t('board.reassignTo', { signal })}
      </label>
      <select id={id} value={to} onChange={(event) => setTo(event.target.value)}>
        <option value="">{t('conversation.nobody')}</option>
        {advocates.map((advocate) => (
          <option key={advocate.staffId} value={advocate.staffId}>
            {advocate.displayName}
          </option>
        ))}
      </select>
      <button type="submit" className="secondary">
        {t('board.reassign')}
      </button>
    </form>
  )
}
