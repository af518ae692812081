import { useTranslation } from 'react-i18next'
import type { Agency } from '../../../common/contracts/directory.ts'

/** The police, child-protection and dispatch agencies responsible for the place searched. */
export function AgencyList({ agencies, headingLevel }: { agencies: Agency[]; headingLevel: number }) {
  const { t } = useTranslation('directory')
  const Heading = (headingLevel <= 2 ? 'h2' : 'h3') as 'h2'
  return (
    <section className="agencies" aria-labelledby="agencies-heading">
      <Heading id="agencies-heading">{t('agencies.heading')}</Heading>
      <p className="field-hint">{t('agencies.intro')}</p>
      <ul>
        {agencies.map((agency) => (
          <li key={agency.organizationId}>
            <strong>{agency.name}</strong> — {t(`agencies.kind.${agency.kind}`)} (
            {t(`agencies.scope.${agency.scope}`)})
            {agency.emergencyPhone && (
              <> · {t('agencies.emergencyPhone', { phone: agency.emergencyPhone })}</>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}
