import { useTranslation } from 'react-i18next'
import type { DirectoryResult } from '../../../common/contracts/directory.ts'

/** One search result: what an advocate needs while the person is on the line. */
export function ResultCard({
  result,
  headingLevel,
  onOpen,
}: {
  result: DirectoryResult
  headingLevel: number
  onOpen?: (result: DirectoryResult) => void
}) {
  const { t, i18n } = useTranslation('directory')
  const Heading = (headingLevel <= 2 ? 'h2' : headingLevel === 3 ? 'h3' : 'h4') as 'h2'
  const languages = new Intl.DisplayNames([i18n.language], { type: 'language' })
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' })
  const ages =
    result.minimumAge !== null && result.maximumAge !== null
      ? t('result.ageRange', { min: result.minimumAge, max: result.maximumAge })
      : result.minimumAge !== null
        ? t('result.ageFrom', { min: result.minimumAge })
        : result.maximumAge !== null
          ? t('result.ageTo', { max: result.maximumAge })
          : null
  return (
    <article className="result-card">
      <div className="result-head">
        <Heading>
          {onOpen ? (
            <a
              href={`/console/directory/organizations/${encodeURIComponent(result.organizationId)}`}
              aria-label={t('result.details', { name: result.name })}
              onClick={(event) => {
                event.preventDefault()
                onOpen(result)
              }}
            >
              {result.name}
            </a>
          ) : (
            result.name
          )}
        </Heading>
        {result.confidential && (
          <span className="badge confidential" title={t('result.confidentialHint')}>
            {t('result.confidential')}
          </span>
        )}
      </div>
      <p className="result-org">{result.organizationName}</p>
      {result.description && <p>{result.description}</p>}
      <dl className="result-facts">
        {(result.address || result.municipality) && (
          <>
            <dt className="visually-hidden">{t('organization.address')}</dt>
            <dd>
              {result.address ?? `${result.municipality}, ${result.province}`}
              {result.distanceKm !== null && <> · {t('result.distance', { km: result.distanceKm })}</>}
            </dd>
          </>
        )}
        <dt>{t('result.hours')}</dt>
        <dd>
          {result.open247
            ? t('result.open247')
            : result.hours.length > 0
              ? result.hours.join('; ')
              : t('result.noHours')}
          {result.openNow && !result.open247 && <> · {t('result.openNow')}</>}
        </dd>
        {result.languages.length > 0 && (
          <>
            <dt>{t('result.languages')}</dt>
            <dd>{result.languages.map((code) => languages.of(code) ?? code).join(', ')}</dd>
          </>
        )}
        {result.phones.length > 0 && (
          <>
            <dt>{t('result.phone')}</dt>
            <dd>{result.phones.join(', ')}</dd>
          </>
        )}
        {ages && (
          <>
            <dt>{t('result.ages')}</dt>
            <dd>{ages}</dd>
          </>
        )}
      </dl>
      <p className="result-meta">
        <span className={`badge referral-${result.referralStatus ?? 'unknown'}`}>
          {t(`result.referral.${result.referralStatus ?? 'unknown'}`)}
        </span>
        {result.substanceUseAccepted && <span className="badge">{t('result.substanceUse')}</span>}
        <span className="verified">
          {result.lastVerifiedAt
            ? t('result.verified', { date: date.format(new Date(result.lastVerifiedAt)) })
            : t('result.neverVerified')}
        </span>
      </p>
    </article>
  )
}
