import { useTranslation } from 'react-i18next'
import { ScrollRegion } from '../ScrollRegion.tsx'
import type { CaseDetail } from './case-api.ts'

/** The contacts with the line gathered in this case: a victim calling back, others calling about it. */
export function SignalsSection({ kase }: { kase: CaseDetail }) {
  const { t, i18n } = useTranslation(['case-screens', 'workspace'])
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })
  if (kase.signals.length === 0) return <p>{t('signals.empty')}</p>
  return (
    <ScrollRegion label={t('signals.caption')}>
      <table>
        <caption>{t('signals.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('signals.channel')}</th>
            <th scope="col">{t('signals.received')}</th>
            <th scope="col">{t('signals.status')}</th>
            <th scope="col">{t('signals.classification')}</th>
            <th scope="col">{t('signals.linked')}</th>
          </tr>
        </thead>
        <tbody>
          {kase.signals.map((signal) => (
            <tr key={signal.signalId}>
              <th scope="row">
                {t(`workspace:channel.${signal.channel}`, { defaultValue: signal.channel })}
              </th>
              <td>{when.format(new Date(signal.receivedAt))}</td>
              <td>{t(`signals.statuses.${signal.status}`, { defaultValue: signal.status })}</td>
              <td>
                {signal.classification
                  ? t(`workspace:wrapUp.classes.${signal.classification}`, {
                      defaultValue: signal.classification,
                    })
                  : t('signals.notClassified')}
              </td>
              <td>
                {when.format(new Date(signal.linkedAt))}
                {signal.linkedBy && ` · ${signal.linkedBy.displayName}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  )
}
