import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type {
  DirectoryResult,
  DirectorySearchResponse,
  FilterTerm,
} from '../../../common/contracts/directory.ts'
import { provinceCodes, provinces } from '../../../common/geography.ts'
import { type ApiClient, ApiError } from '../api.ts'
import { AgencyList } from './AgencyList.tsx'
import './directory.css'
import { ResultCard } from './ResultCard.tsx'

type Toggle = 'openNow' | 'open247' | 'accepting' | 'substanceUse'
export interface SearchState {
  q: string
  serviceType: string[]
  population: string[]
  language: string
  province: string
  nearMunicipality: string
  radiusKm: string
  age: string
  toggles: Record<Toggle, boolean>
}

const initialState: SearchState = {
  q: '',
  serviceType: [],
  population: [],
  language: '',
  province: '',
  nearMunicipality: '',
  radiusKm: '50',
  age: '',
  toggles: { openNow: false, open247: false, accepting: false, substanceUse: false },
}
const toggles: Toggle[] = ['openNow', 'open247', 'accepting', 'substanceUse']
const commonLanguages = [
  'en',
  'fr',
  'es',
  'pt',
  'ar',
  'zh',
  'tl',
  'pa',
  'uk',
  'ru',
  'vi',
  'ko',
  'hi',
  'cr',
  'iu',
  'oj',
  'moh',
]

/** The radius option that keeps to the municipality itself rather than a circle around it. */
const WITHIN = 'within'

/** Around a municipality (a circle), or in it only; both need the province to name it. */
function placeQuery({ province, nearMunicipality, radiusKm }: SearchState) {
  const municipality = nearMunicipality.trim()
  if (!province || !municipality) return {}
  return radiusKm === WITHIN ? { municipality } : { nearMunicipality: municipality, radiusKm }
}

function toQuery(state: SearchState, page: number, lang: string) {
  return {
    q: state.q.trim() || undefined,
    serviceType: state.serviceType.join(',') || undefined,
    population: state.population.join(',') || undefined,
    language: state.language || undefined,
    province: state.province || undefined,
    ...placeQuery(state),
    age: state.age || undefined,
    kind: 'service_provider',
    ...Object.fromEntries(
      toggles.filter((toggle) => state.toggles[toggle]).map((toggle) => [toggle, 'true']),
    ),
    lang,
    page,
  }
}

/**
 * The directory search form, facets and results, shared by the console (staff search, with
 * confidential entries badged) and the portal (public search). State lives in memory only.
 */
export function DirectorySearch({
  api,
  endpoint,
  headingLevel = 1,
  intro,
  onOpen,
  initial,
  renderAction,
}: {
  api: ApiClient
  endpoint: string
  headingLevel?: 1 | 2
  intro?: string
  onOpen?: (result: DirectoryResult) => void
  /** Filters to start from (a referral starts from what the case records). */
  initial?: Partial<SearchState>
  /** An action shown under each result (refer to this service). */
  renderAction?: (result: DirectoryResult) => ReactNode
}) {
  const { t, i18n } = useTranslation('directory')
  const start = useRef<SearchState>({ ...initialState, ...initial })
  const [state, setState] = useState<SearchState>(start.current)
  const [terms, setTerms] = useState<FilterTerm[]>([])
  const [response, setResponse] = useState<DirectorySearchResponse | null>(null)
  const [results, setResults] = useState<DirectoryResult[]>([])
  const [error, setError] = useState<ApiError | null>(null)
  const [page, setPage] = useState(1)
  const ids = {
    q: useId(),
    language: useId(),
    province: useId(),
    near: useId(),
    radius: useId(),
    age: useId(),
  }
  const lang = i18n.language === 'fr' ? 'fr' : 'en'

  useEffect(() => {
    api.get<{ terms: FilterTerm[] }>('/api/directory/terms', { lang }).then(
      (answer) => setTerms(answer.terms),
      () => setTerms([]),
    )
  }, [api, lang])

  const run = useCallback(
    async (next: SearchState, nextPage = 1) => {
      setError(null)
      try {
        const answer = await api.get<DirectorySearchResponse>(endpoint, toQuery(next, nextPage, lang))
        setResponse(answer)
        setResults((current) => (nextPage > 1 ? [...current, ...answer.results] : answer.results))
        setPage(nextPage)
      } catch (caught) {
        setError(caught instanceof ApiError ? caught : null)
        setResponse(null)
        setResults([])
      }
    },
    [api, endpoint, lang],
  )
  useEffect(() => {
    void run(start.current)
  }, [run])

  const update = (change: Partial<SearchState>, immediately = true) => {
    const next = { ...state, ...change }
    setState(next)
    if (immediately) void run(next)
  }
  const handleSubmit = (event: FormEvent) => {
    event.preventDefault()
    void run(state)
  }
  const count = (facet: keyof DirectorySearchResponse['facets'], value: string) =>
    response?.facets[facet].find((entry) => entry.value === value)?.count ?? 0
  const Heading = headingLevel === 1 ? 'h1' : 'h2'
  const Sub = headingLevel === 1 ? 'h2' : 'h3'
  const problem = (field: string) => error?.field(field)?.message

  const facetGroup = (facet: 'serviceType' | 'population', legend: string) => {
    const options = terms.filter(
      (term) => term.facet === facet && (count(facet, term.code) > 0 || state[facet].includes(term.code)),
    )
    return (
      <fieldset className="facet">
        <legend>{legend}</legend>
        {options.map((term) => {
          const checked = state[facet].includes(term.code)
          return (
            <label key={term.code} className="check">
              <input
                type="checkbox"
                checked={checked}
                onChange={() =>
                  update({
                    [facet]: checked
                      ? state[facet].filter((code) => code !== term.code)
                      : [...state[facet], term.code],
                  })
                }
              />{' '}
              {t('search.facetCount', { label: term.name, count: count(facet, term.code) })}
            </label>
          )
        })}
      </fieldset>
    )
  }

  const languageNames = new Intl.DisplayNames([lang], { type: 'language' })
  return (
    <div className="directory-search">
      <Heading>{headingLevel === 1 ? t('search.heading') : t('search.publicHeading')}</Heading>
      {intro && <p>{intro}</p>}
      <form onSubmit={handleSubmit} className="search-bar">
        <div className="field grow">
          <label htmlFor={ids.q}>{t('search.query')}</label>
          <input
            id={ids.q}
            type="search"
            value={state.q}
            aria-describedby={`${ids.q}-hint`}
            maxLength={200}
            onChange={(event) => update({ q: event.target.value }, false)}
          />
          <p id={`${ids.q}-hint`} className="field-hint">
            {t('search.queryHint')}
          </p>
        </div>
        <button type="submit">{t('search.submit')}</button>
      </form>
      <div className="search-layout">
        <aside className="filters" aria-label={t('search.filters')}>
          <Sub>{t('search.filters')}</Sub>
          {facetGroup('serviceType', t('search.serviceType'))}
          {facetGroup('population', t('search.population'))}
          <div className="field">
            <label htmlFor={ids.language}>{t('search.language')}</label>
            <select
              id={ids.language}
              value={state.language}
              onChange={(event) => update({ language: event.target.value })}
            >
              <option value="">{t('search.anyLanguage')}</option>
              {[
                ...new Set([
                  ...commonLanguages,
                  ...(response?.facets.language.map((entry) => entry.value) ?? []),
                ]),
              ].map((code) => (
                <option key={code} value={code}>
                  {t('search.facetCount', {
                    label: languageNames.of(code) ?? code,
                    count: count('language', code),
                  })}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.province}>{t('search.province')}</label>
            <select
              id={ids.province}
              value={state.province}
              onChange={(event) => update({ province: event.target.value })}
            >
              <option value="">{t('search.anyProvince')}</option>
              {provinceCodes.map((code) => (
                <option key={code} value={code}>
                  {t('search.facetCount', { label: provinces[code][lang], count: count('province', code) })}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.near}>{t('search.near')}</label>
            <input
              id={ids.near}
              value={state.nearMunicipality}
              disabled={!state.province}
              aria-describedby={`${ids.near}-hint${problem('nearMunicipality') ? ` ${ids.near}-error` : ''}`}
              aria-invalid={problem('nearMunicipality') ? true : undefined}
              onChange={(event) => update({ nearMunicipality: event.target.value }, false)}
              onBlur={() => void run(state)}
            />
            <p id={`${ids.near}-hint`} className="field-hint">
              {t('search.nearHint')}
            </p>
            {problem('nearMunicipality') && (
              <p id={`${ids.near}-error`} className="field-error">
                {problem('nearMunicipality')}
              </p>
            )}
          </div>
          <div className="field">
            <label htmlFor={ids.radius}>{t('search.radius')}</label>
            <select
              id={ids.radius}
              value={state.radiusKm}
              onChange={(event) => update({ radiusKm: event.target.value })}
            >
              <option value={WITHIN}>{t('search.withinMunicipality')}</option>
              {['10', '25', '50', '100', '250'].map((km) => (
                <option key={km} value={km}>
                  {t('search.radiusKm', { km })}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.age}>{t('search.age')}</label>
            <input
              id={ids.age}
              type="number"
              min={0}
              max={120}
              inputMode="numeric"
              value={state.age}
              onChange={(event) => update({ age: event.target.value }, false)}
              onBlur={() => void run(state)}
            />
          </div>
          <fieldset className="facet">
            <legend className="visually-hidden">{t('search.filters')}</legend>
            {toggles.map((toggle) => (
              <label key={toggle} className="check">
                <input
                  type="checkbox"
                  checked={state.toggles[toggle]}
                  onChange={() => update({ toggles: { ...state.toggles, [toggle]: !state.toggles[toggle] } })}
                />{' '}
                {t('search.facetCount', {
                  label: t(`search.${toggle}`),
                  count: toggle === 'accepting' ? count('referralStatus', 'accepting') : count(toggle, 'yes'),
                })}
              </label>
            ))}
          </fieldset>
          <button type="button" className="secondary" onClick={() => update(initialState)}>
            {t('search.clear')}
          </button>
        </aside>
        <section className="results" aria-label={t('search.resultsLabel')}>
          {error && (
            <div className="alert" role="alert">
              {error.message}
            </div>
          )}
          <p role="status" className="result-count">
            {response ? t('search.count', { count: response.total }) : ''}
          </p>
          {response && response.agencies.length > 0 && (
            <AgencyList agencies={response.agencies} headingLevel={headingLevel + 1} />
          )}
          <ul className="result-list">
            {results.map((result) => (
              <li key={result.id}>
                <ResultCard result={result} headingLevel={headingLevel + 1} onOpen={onOpen} />
                {renderAction?.(result)}
              </li>
            ))}
          </ul>
          {response && results.length < response.total && (
            <button type="button" className="secondary" onClick={() => void run(state, page + 1)}>
              {t('search.more')}
            </button>
          )}
        </section>
      </div>
    </div>
  )
}
