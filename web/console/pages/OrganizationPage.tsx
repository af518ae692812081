import { type FormEvent, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type {
  FilterTerm,
  LocationView,
  OrganizationView,
  ServiceView,
} from '../../../common/contracts/directory.ts'
import { agencyKinds, referralStatuses } from '../../../common/contracts/directory.ts'
import { provinceCodes, provinces } from '../../../common/geography.ts'
import { ApiError } from '../../shared/api.ts'
import '../../shared/directory/directory.css'
import { ErrorAlert, Field, pick } from '../../shared/fields.tsx'
import { navigate } from '../router.ts'
import { useConsole } from '../session.tsx'

type Editing =
  | { kind: 'organization' }
  | { kind: 'service'; id: string | null }
  | { kind: 'location'; id: string | null }
  | null
const days = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const
const statuses = ['active', 'temporarily closed', 'inactive', 'defunct'] as const

const read = (form: FormData, name: string) => String(form.get(name) ?? '').trim()
const optional = (form: FormData, name: string) => read(form, name) || null
const optionalNumber = (form: FormData, name: string) => (read(form, name) ? Number(read(form, name)) : null)

/**
 * Saving one entry of the organization page: creates it (POST) or updates it (PUT), then hands the
 * refreshed organization to `onSaved`; the server's error stays on the form.
 */
function useEntryForm(
  collection: 'organizations' | 'locations' | 'services',
  id: string | null,
  onSaved: (view: OrganizationView) => void,
) {
  const { api } = useConsole()
  const [error, setError] = useState<ApiError | null>(null)
  const save = async (body: unknown) => {
    setError(null)
    try {
      const answer = id
        ? await api.send<{ organization: OrganizationView }>(
            'PUT',
            `/api/directory/${collection}/${encodeURIComponent(id)}`,
            body,
          )
        : await api.send<{ organization: OrganizationView }>('POST', `/api/directory/${collection}`, body)
      onSaved(answer.organization)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null)
    }
  }
  return { error, save }
}

/** The name and description fields of a form, in both languages. */
const bilingualFrom = (form: FormData) => ({
  name: { en: optional(form, 'name.en'), fr: optional(form, 'name.fr') },
  description: { en: optional(form, 'description.en'), fr: optional(form, 'description.fr') },
})

/** An organization with its services and locations; directory managers edit everything in place. */
export function OrganizationPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('directory')
  const { api } = useConsole()
  const [organization, setOrganization] = useState<OrganizationView | null>(null)
  const [missing, setMissing] = useState(false)
  const [editing, setEditing] = useState<Editing>(id === 'new' ? { kind: 'organization' } : null)
  const [notice, setNotice] = useState<string | null>(null)
  const [terms, setTerms] = useState<FilterTerm[]>([])

  useEffect(() => {
    api.get<{ terms: FilterTerm[] }>('/api/directory/terms').then(
      (answer) => setTerms(answer.terms),
      () => {},
    )
    if (id === 'new') return
    api
      .get<OrganizationView>(`/api/directory/organizations/${encodeURIComponent(id)}`)
      .then(setOrganization, () => setMissing(true))
  }, [api, id])

  const handleSaved = (view: OrganizationView) => {
    setOrganization(view)
    setEditing(null)
    setNotice(t('organization.saved'))
    if (id === 'new') navigate(`/directory/organizations/${encodeURIComponent(view.id)}`, { replace: true })
  }
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' })
  const verified = (at: string | null) =>
    t('organization.lastVerified', { date: at ? date.format(new Date(at)) : '—' })
  const back = (
    <p>
      <a
        href="/console/directory"
        onClick={(event) => {
          event.preventDefault()
          navigate('/directory')
        }}
      >
        {t('organization.back')}
      </a>
    </p>
  )
  if (missing)
    return (
      <>
        {back}
        <p role="alert">{t('organization.notFound')}</p>
      </>
    )
  if (id !== 'new' && !organization) return <p role="status">{t('common:loading')}</p>
  const canEdit = organization?.abilities.edit ?? true

  return (
    <>
      {back}
      <h1>
        {organization ? pick(organization.name, i18n.language) : t('organization.new')}
        {organization?.confidential && <span className="badge confidential">{t('result.confidential')}</span>}
      </h1>
      <div aria-live="polite">{notice && <p className="notice">{notice}</p>}</div>
      {editing?.kind === 'organization' ? (
        <OrganizationForm
          organization={organization}
          onSaved={handleSaved}
          onCancel={() => (id === 'new' ? navigate('/directory') : setEditing(null))}
        />
      ) : (
        organization && (
          <section className="panel">
            <p>{pick(organization.description, i18n.language)}</p>
            <dl className="facts">
              <dt>{t('organization.kind')}</dt>
              <dd>{t(`agencies.kind.${organization.kind}`)}</dd>
              {organization.email && (
                <>
                  <dt>{t('organization.email')}</dt>
                  <dd>{organization.email}</dd>
                </>
              )}
              {organization.phone && (
                <>
                  <dt>{t('organization.phone')}</dt>
                  <dd>{organization.phone}</dd>
                </>
              )}
              {organization.emergencyPhone && (
                <>
                  <dt>{t('organization.emergencyPhone')}</dt>
                  <dd>{organization.emergencyPhone}</dd>
                </>
              )}
            </dl>
            <p className="field-hint">{verified(organization.verification.lastVerifiedAt)}</p>
            {canEdit && (
              <button
                type="button"
                className="secondary"
                onClick={() => setEditing({ kind: 'organization' })}
              >
                {t('organization.edit')}
              </button>
            )}
          </section>
        )
      )}
      {organization && (
        <>
          <h2>{t('organization.locations')}</h2>
          {organization.locations.map((location) =>
            editing?.kind === 'location' && editing.id === location.id ? (
              <LocationForm
                key={location.id}
                organizationId={organization.id}
                location={location}
                onSaved={handleSaved}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <section key={location.id} className="panel">
                <h3>
                  {pick(location.name, i18n.language)}
                  {location.confidential && (
                    <span className="badge confidential">{t('result.confidential')}</span>
                  )}
                </h3>
                {location.address && (
                  <p>
                    {location.address.address1}, {location.address.city}, {location.address.province}{' '}
                    {location.address.postalCode}
                  </p>
                )}
                <p className="field-hint">{verified(location.verification.lastVerifiedAt)}</p>
                {canEdit && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => setEditing({ kind: 'location', id: location.id })}
                  >
                    {t('organization.edit')}
                  </button>
                )}
              </section>
            ),
          )}
          {editing?.kind === 'location' && editing.id === null && (
            <LocationForm
              organizationId={organization.id}
              location={null}
              onSaved={handleSaved}
              onCancel={() => setEditing(null)}
            />
          )}
          {canEdit && !(editing?.kind === 'location' && editing.id === null) && (
            <button
              type="button"
              className="secondary"
              onClick={() => setEditing({ kind: 'location', id: null })}
            >
              {t('organization.newLocation')}
            </button>
          )}

          <h2>{t('organization.services')}</h2>
          {organization.services.map((service) =>
            editing?.kind === 'service' && editing.id === service.id ? (
              <ServiceForm
                key={service.id}
                organization={organization}
                service={service}
                terms={terms}
                onSaved={handleSaved}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <section key={service.id} className="panel">
                <h3>
                  {pick(service.name, i18n.language)}
                  {service.confidential && (
                    <span className="badge confidential">{t('result.confidential')}</span>
                  )}
                </h3>
                <p>{pick(service.description, i18n.language)}</p>
                <p>
                  {t(`organization.statusValue.${service.status}`)} ·{' '}
                  {t(`result.referral.${service.referralStatus ?? 'unknown'}`)}
                </p>
                <p className="field-hint">{verified(service.verification.lastVerifiedAt)}</p>
                {canEdit && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => setEditing({ kind: 'service', id: service.id })}
                  >
                    {t('organization.edit')}
                  </button>
                )}
              </section>
            ),
          )}
          {editing?.kind === 'service' && editing.id === null && (
            <ServiceForm
              organization={organization}
              service={null}
              terms={terms}
              onSaved={handleSaved}
              onCancel={() => setEditing(null)}
            />
          )}
          {canEdit && !(editing?.kind === 'service' && editing.id === null) && (
            <button
              type="button"
              className="secondary"
              onClick={() => setEditing({ kind: 'service', id: null })}
            >
              {t('organization.newService')}
            </button>
          )}
        </>
      )}
    </>
  )
}

function BilingualFields({
  prefix,
  value,
  error,
  multiline = false,
}: {
  prefix: 'name' | 'description'
  value: { en: string | null; fr: string | null } | undefined
  error: ApiError | null
  multiline?: boolean
}) {
  const { t } = useTranslation('directory')
  const enId = useId()
  const frId = useId()
  if (!multiline)
    return (
      <>
        <Field
          label={t('organization.nameEn')}
          name="name.en"
          lang="en"
          defaultValue={value?.en ?? ''}
          error={error}
          maxLength={300}
        />
        <Field
          label={t('organization.nameFr')}
          name="name.fr"
          lang="fr"
          defaultValue={value?.fr ?? ''}
          error={error}
          maxLength={300}
        />
      </>
    )
  return (
    <>
      <div className="field">
        <label htmlFor={enId}>{t(`organization.${prefix}En`)}</label>
        <textarea
          id={enId}
          name={`${prefix}.en`}
          lang="en"
          rows={3}
          maxLength={5000}
          defaultValue={value?.en ?? ''}
        />
      </div>
      <div className="field">
        <label htmlFor={frId}>{t(`organization.${prefix}Fr`)}</label>
        <textarea
          id={frId}
          name={`${prefix}.fr`}
          lang="fr"
          rows={3}
          maxLength={5000}
          defaultValue={value?.fr ?? ''}
        />
      </div>
    </>
  )
}

function Select({
  label,
  name,
  options,
  defaultValue,
}: {
  label: string
  name: string
  options: { value: string; label: string }[]
  defaultValue: string
}) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={defaultValue}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  )
}

function Check({
  label,
  name,
  value,
  defaultChecked,
}: {
  label: string
  name: string
  value?: string
  defaultChecked: boolean
}) {
  return (
    <label className="check">
      <input type="checkbox" name={name} value={value} defaultChecked={defaultChecked} /> {label}
    </label>
  )
}

/** How often the entry is due for verification; empty for its kind's default. */
function IntervalField({ days, error }: { days: number | null; error: ApiError | null }) {
  const { t } = useTranslation('directory')
  return (
    <Field
      label={t('organization.verificationInterval')}
      name="verificationIntervalDays"
      type="number"
      hint={t('organization.verificationIntervalHint')}
      defaultValue={days ?? ''}
      error={error}
    />
  )
}

function FormActions({ onCancel }: { onCancel: () => void }) {
  const { t } = useTranslation('directory')
  return (
    <div className="actions">
      <button type="submit">{t('organization.save')}</button>
      <button type="button" className="secondary" onClick={onCancel}>
        {t('organization.cancel')}
      </button>
    </div>
  )
}

function OrganizationForm({
  organization,
  onSaved,
  onCancel,
}: {
  organization: OrganizationView | null
  onSaved: (view: OrganizationView) => void
  onCancel: () => void
}) {
  const { t, i18n } = useTranslation('directory')
  const { error, save } = useEntryForm('organizations', organization?.id ?? null, onSaved)
  const lang = i18n.language === 'fr' ? 'fr' : 'en'
  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    void save({
      ...bilingualFrom(form),
      kind: read(form, 'kind'),
      confidential: form.get('confidential') === 'on',
      email: optional(form, 'email'),
      website: optional(form, 'website'),
      phone: optional(form, 'phone'),
      emergencyPhone: optional(form, 'emergencyPhone'),
      jurisdiction: {
        province: optional(form, 'jurisdiction.province'),
        municipality: optional(form, 'jurisdiction.municipality'),
      },
      verificationIntervalDays: optionalNumber(form, 'verificationIntervalDays'),
    })
  }
  return (
    <form className="panel form-grid" onSubmit={handleSubmit} noValidate>
      <p className="field-hint wide">{t('organization.bilingualHint')}</p>
      <ErrorAlert error={error} />
      <BilingualFields prefix="name" value={organization?.name} error={error} />
      <BilingualFields prefix="description" value={organization?.description} error={error} multiline />
      <Select
        label={t('organization.kind')}
        name="kind"
        defaultValue={organization?.kind ?? 'service_provider'}
        options={agencyKinds.map((kind) => ({ value: kind, label: t(`agencies.kind.${kind}`) }))}
      />
      <Field
        label={t('organization.email')}
        name="email"
        type="email"
        defaultValue={organization?.email ?? ''}
        error={error}
      />
      <Field
        label={t('organization.website')}
        name="website"
        type="url"
        defaultValue={organization?.website ?? ''}
        error={error}
      />
      <Field
        label={t('organization.phone')}
        name="phone"
        type="tel"
        defaultValue={organization?.phone ?? ''}
        error={error}
      />
      <Field
        label={t('organization.emergencyPhone')}
        name="emergencyPhone"
        type="tel"
        defaultValue={organization?.emergencyPhone ?? ''}
        error={error}
      />
      <Select
        label={t('organization.jurisdictionProvince')}
        name="jurisdiction.province"
        defaultValue={organization?.jurisdiction.province ?? ''}
        options={[
          { value: '', label: t('organization.none') },
          ...provinceCodes.map((code) => ({ value: code, label: provinces[code][lang] })),
        ]}
      />
      <Field
        label={t('organization.jurisdictionMunicipality')}
        name="jurisdiction.municipality"
        defaultValue={organization?.jurisdiction.municipality ?? ''}
        error={error}
      />
      <IntervalField days={organization?.verification.intervalDays ?? null} error={error} />
      <Check
        label={t('organization.confidential')}
        name="confidential"
        defaultChecked={organization?.confidential ?? false}
      />
      <FormActions onCancel={onCancel} />
    </form>
  )
}

function LocationForm({
  organizationId,
  location,
  onSaved,
  onCancel,
}: {
  organizationId: string
  location: LocationView | null
  onSaved: (view: OrganizationView) => void
  onCancel: () => void
}) {
  const { t, i18n } = useTranslation('directory')
  const { error, save } = useEntryForm('locations', location?.id ?? null, onSaved)
  const lang = i18n.language === 'fr' ? 'fr' : 'en'
  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const hasAddress = read(form, 'address.address1') || read(form, 'address.city')
    void save({
      organizationId,
      ...bilingualFrom(form),
      confidential: form.get('confidential') === 'on',
      address: hasAddress
        ? {
            address1: read(form, 'address.address1'),
            city: read(form, 'address.city'),
            province: read(form, 'address.province'),
            postalCode: read(form, 'address.postalCode'),
          }
        : null,
      latitude: optionalNumber(form, 'latitude'),
      longitude: optionalNumber(form, 'longitude'),
      phone: optional(form, 'phone'),
      verificationIntervalDays: optionalNumber(form, 'verificationIntervalDays'),
    })
  }
  return (
    <form className="panel form-grid" onSubmit={handleSubmit} noValidate>
      <ErrorAlert error={error} />
      <BilingualFields prefix="name" value={location?.name} error={error} />
      <BilingualFields prefix="description" value={location?.description} error={error} multiline />
      <Field
        label={t('organization.address')}
        name="address.address1"
        defaultValue={location?.address?.address1 ?? ''}
        error={error}
      />
      <Field
        label={t('organization.city')}
        name="address.city"
        defaultValue={location?.address?.city ?? ''}
        error={error}
      />
      <Select
        label={t('search.province')}
        name="address.province"
        defaultValue={location?.address?.province ?? 'ON'}
        options={provinceCodes.map((code) => ({ value: code, label: provinces[code][lang] }))}
      />
      <Field
        label={t('organization.postalCode')}
        name="address.postalCode"
        defaultValue={location?.address?.postalCode ?? ''}
        error={error}
      />
      <Field
        label={t('organization.latitude')}
        name="latitude"
        inputMode="decimal"
        hint={t('organization.coordinatesHint')}
        defaultValue={location?.latitude ?? ''}
        error={error}
      />
      <Field
        label={t('organization.longitude')}
        name="longitude"
        inputMode="decimal"
        defaultValue={location?.longitude ?? ''}
        error={error}
      />
      <Field
        label={t('organization.phone')}
        name="phone"
        type="tel"
        defaultValue={location?.phone ?? ''}
        error={error}
      />
      <IntervalField days={location?.verification.intervalDays ?? null} error={error} />
      <Check
        label={t('organization.confidential')}
        name="confidential"
        defaultChecked={location?.confidential ?? false}
      />
      <FormActions onCancel={onCancel} />
    </form>
  )
}

function ServiceForm({
  organization,
  service,
  terms,
  onSaved,
  onCancel,
}: {
  organization: OrganizationView
  service: ServiceView | null
  terms: FilterTerm[]
  onSaved: (view: OrganizationView) => void
  onCancel: () => void
}) {
  const { t, i18n } = useTranslation('directory')
  const { error, save } = useEntryForm('services', service?.id ?? null, onSaved)
  const [hours, setHours] = useState(() =>
    (service?.hours ?? []).map((entry) => ({ ...entry, key: crypto.randomUUID() })),
  )
  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    void save({
      organizationId: organization.id,
      ...bilingualFrom(form),
      status: read(form, 'status'),
      confidential: form.get('confidential') === 'on',
      serviceTypes: form.getAll('serviceTypes').map(String),
      populations: form.getAll('populations').map(String),
      languages: read(form, 'languages')
        .split(',')
        .map((code) => code.trim().toLowerCase())
        .filter(Boolean),
      locationIds: form.getAll('locationIds').map(String),
      hours: hours.map((_, index) => ({
        days: form.getAll(`hours.${index}.days`).map(String),
        opens: read(form, `hours.${index}.opens`),
        closes: read(form, `hours.${index}.closes`),
      })),
      phone: optional(form, 'phone'),
      referralStatus: optional(form, 'referralStatus'),
      minimumAge: optionalNumber(form, 'minimumAge'),
      maximumAge: optionalNumber(form, 'maximumAge'),
      substanceUseAccepted: form.get('substanceUseAccepted') === 'on',
      statusIndependent: read(form, 'statusIndependent') ? read(form, 'statusIndependent') === 'yes' : null,
      verificationIntervalDays: optionalNumber(form, 'verificationIntervalDays'),
    })
  }
  const termGroup = (
    facet: 'serviceType' | 'population',
    name: 'serviceTypes' | 'populations',
    legend: string,
  ) => (
    <fieldset className="facet wide">
      <legend>{legend}</legend>
      <div className="check-grid">
        {terms
          .filter((term) => term.facet === facet)
          .map((term) => (
            <Check
              key={term.code}
              label={term.name}
              name={name}
              value={term.code}
              defaultChecked={service?.[name].includes(term.code) ?? false}
            />
          ))}
      </div>
    </fieldset>
  )
  return (
    <form className="panel form-grid" onSubmit={handleSubmit} noValidate>
      <ErrorAlert error={error} />
      <BilingualFields prefix="name" value={service?.name} error={error} />
      <BilingualFields prefix="description" value={service?.description} error={error} multiline />
      <Select
        label={t('organization.status')}
        name="status"
        defaultValue={service?.status ?? 'active'}
        options={statuses.map((status) => ({
          value: status,
          label: t(`organization.statusValue.${status}`),
        }))}
      />
      <Select
        label={t('organization.referralStatus')}
        name="referralStatus"
        defaultValue={service?.referralStatus ?? ''}
        options={[
          { value: '', label: t('result.referral.unknown') },
          ...referralStatuses.map((status) => ({ value: status, label: t(`result.referral.${status}`) })),
        ]}
      />
      {termGroup('serviceType', 'serviceTypes', t('search.serviceType'))}
      {termGroup('population', 'populations', t('search.population'))}
      <Field
        label={t('organization.languagesCodes')}
        name="languages"
        defaultValue={service?.languages.join(', ') ?? ''}
        error={error}
      />
      <Field
        label={t('organization.phone')}
        name="phone"
        type="tel"
        defaultValue={service?.phone ?? ''}
        error={error}
      />
      <Field
        label={t('organization.minimumAge')}
        name="minimumAge"
        type="number"
        defaultValue={service?.minimumAge ?? ''}
        error={error}
      />
      <Field
        label={t('organization.maximumAge')}
        name="maximumAge"
        type="number"
        defaultValue={service?.maximumAge ?? ''}
        error={error}
      />
      <fieldset className="facet wide">
        <legend>{t('organization.offeredAt')}</legend>
        {organization.locations.map((location) => (
          <label key={location.id} className="check">
            <input
              type="checkbox"
              name="locationIds"
              value={location.id}
              defaultChecked={service?.locationIds.includes(location.id) ?? false}
            />{' '}
            {pick(location.name, i18n.language)}
          </label>
        ))}
      </fieldset>
      <fieldset className="facet wide">
        <legend>{t('organization.hours')}</legend>
        {hours.map((entry, index) => (
          <div key={entry.key} className="hours-row">
            <fieldset className="days">
              <legend className="visually-hidden">{t('organization.days')}</legend>
              {days.map((day) => (
                <label key={day} className="check">
                  <input
                    type="checkbox"
                    name={`hours.${index}.days`}
                    value={day}
                    defaultChecked={entry.days.includes(day)}
                  />{' '}
                  {t(`organization.day.${day}`)}
                </label>
              ))}
            </fieldset>
            <Field
              label={t('organization.opens')}
              name={`hours.${index}.opens`}
              type="time"
              defaultValue={entry.opens}
              error={error}
            />
            <Field
              label={t('organization.closes')}
              name={`hours.${index}.closes`}
              type="time"
              defaultValue={entry.closes}
              error={error}
            />
            <button
              type="button"
              className="secondary"
              onClick={() => setHours(hours.filter((_, i) => i !== index))}
            >
              {t('organization.removeHours')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            setHours([
              ...hours,
              {
                key: crypto.randomUUID(),
                days: ['MO', 'TU', 'WE', 'TH', 'FR'],
                opens: '09:00',
                closes: '17:00',
              },
            ])
          }
        >
          {t('organization.addHours')}
        </button>
      </fieldset>
      <Select
        label={t('organization.statusIndependent')}
        name="statusIndependent"
        defaultValue={
          service?.statusIndependent === true ? 'yes' : service?.statusIndependent === false ? 'no' : ''
        }
        options={(['', 'yes', 'no'] as const).map((value) => ({
          value,
          label: t(`organization.statusIndependentValue.${value || 'unknown'}`),
        }))}
      />
      <Check
        label={t('search.substanceUse')}
        name="substanceUseAccepted"
        defaultChecked={service?.substanceUseAccepted ?? false}
      />
      <IntervalField days={service?.verification.intervalDays ?? null} error={error} />
      <Check
        label={t('organization.confidential')}
        name="confidential"
        defaultChecked={service?.confidential ?? false}
      />
      <FormActions onCancel={onCancel} />
    </form>
  )
}
