import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { caseLimits } from '../../../common/contracts/cases.ts'
import type { CaseDetail, useCase } from './case-api.ts'
import { SaveBar, useSaver } from './parts.tsx'

type Change = ReturnType<typeof useCase>['change']

/** Notes are appended, never edited: newest first, each with its author and time. */
export function NotesSection({ kase, change }: { kase: CaseDetail; change: Change }) {
  const { t, i18n } = useTranslation('case-screens')
  const saver = useSaver()
  const [body, setBody] = useState('')
  const id = useId()
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  const notes = [...kase.notes].reverse()
  return (
    <>
      {kase.abilities.update && (
        <form
          className="case-form"
          aria-label={t('notes.add')}
          onSubmit={(event) => {
            event.preventDefault()
            if (!body.trim()) return
            void saver
              .run(() => change('POST', '/notes', { body: body.trim() }), 'noteAdded')
              .then((saved) => {
                if (saved) setBody('')
              })
          }}
        >
          <div className="field">
            <label htmlFor={id}>{t('notes.body')}</label>
            <textarea
              id={id}
              rows={4}
              maxLength={caseLimits.noteMaxLength}
              value={body}
              aria-describedby={`${id}-hint`}
              onChange={(event) => setBody(event.target.value)}
            />
            <p id={`${id}-hint`} className="field-hint">
              {t('notes.hint', { count: caseLimits.noteMaxLength - body.length })}
            </p>
          </div>
          <SaveBar
            saver={saver}
            label={t('notes.add')}
            disabled={!body.trim()}
            labels={{ body: t('notes.body') }}
          />
        </form>
      )}
      {notes.length === 0 ? (
        <p>{t('notes.empty')}</p>
      ) : (
        <ol className="notes" reversed>
          {notes.map((note) => (
            <li key={note.id} className="note">
              <p className="note-meta">
                {note.author?.displayName ?? t('notes.unknownAuthor')} ·{' '}
                {when.format(new Date(note.createdAt))}
              </p>
              <p className="note-body">{note.body}</p>
            </li>
          ))}
        </ol>
      )}
    </>
  )
}
