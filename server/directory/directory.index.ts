import { setImmediate as nextTurn } from 'node:timers/promises'
import { type Kysely, sql } from 'kysely'
import type { ProvinceCode } from '../../common/geography.ts'
import type { DB } from '../db/schema.ts'
import type { OpeningMinutes } from './opening-hours.ts'
import { operandsOf, type Positions, parseTsvector, type TextQuery, tsRank } from './text-rank.ts'

type Db = Kysely<DB>
export type Facet =
  | 'serviceType'
  | 'population'
  | 'language'
  | 'province'
  | 'referralStatus'
  | 'openNow'
  | 'open247'
  | 'substanceUse'
/** The facets, each counted over what every other facet's filter lets through; a toggle's value is `yes`. */
export const facets: readonly Facet[] = [
  'serviceType',
  'population',
  'language',
  'province',
  'referralStatus',
  'openNow',
  'open247',
  'substanceUse',
]
const YES = 'yes'
const PROVINCE = facets.indexOf('province')
/** The one facet whose values depend on the moment of the search, not on the row alone. */
const OPEN_NOW = facets.indexOf('openNow')

export interface FacetCount {
  value: string
  count: number
}

/** A search as the index runs it: every filter resolved to what a search row holds. */
export interface IndexSearch {
  includeConfidential: boolean
  /** The free text's query in each language; `null` without free text. */
  text: { en: TextQuery | 'empty'; fr: TextQuery | 'empty' } | null
  municipalityKey: string | null
  /** The unit vector of the search circle's origin and the cosine of the angle its radius spans. */
  circle: { x: number; y: number; z: number; minimumDot: number } | null
  /** The minutes of the week to look up in each row's hours (`utc`, or its province's). */
  openingAt: OpeningMinutes
  openNow: boolean
  open247: boolean
  age: number | null
  substanceUse: boolean
  kinds: string[] | null
  serviceTypes: string[] | null
  populations: string[] | null
  languages: string[] | null
  province: string | null
  accepting: boolean
  offset: number
  limit: number
}

export interface IndexResult {
  total: number
  ids: string[]
  facets: Record<Facet, FacetCount[]>
}

/** How many values of each facet the search shows, in memory and in SQL. */
export const FACET_VALUES = 60

/**
 * Text in PostgreSQL's "C" collation, the order the SQL search sorts ids and facet values in: by
 * code point, so a UTF-16 surrogate (a code point above U+FFFF) sorts after every other unit.
 */
export function compareC(a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    if (x >= 0xd800 && x <= 0xdfff) x += 0x10000
    if (y >= 0xd800 && y <= 0xdfff) y += 0x10000
    return x - y
  }
  return a.length - b.length
}

/** A lexeme's rows (slots, ascending) with their positions: `positions[starts[k]…starts[k + 1])`. */
interface Posting {
  slots: number[]
  starts: number[]
  positions: number[]
}

/** A search row as the index reads it from `directory_search`. */
interface SearchRow {
  id: string
  confidential: boolean
  kind: string
  status: string
  text_en: string
  text_fr: string
  service_types: string[]
  populations: string[]
  languages: string[]
  province: string | null
  municipality_key: string | null
  unit_x: number | null
  unit_y: number | null
  unit_z: number | null
  open_minutes: string
  open_24_7: boolean
  referral_status: string | null
  minimum_age: number | null
  maximum_age: number | null
  substance_use_accepted: boolean | null
}

const columns = sql`e.id, e.confidential, e.kind, e.status, e.text_en::text as text_en,
  e.text_fr::text as text_fr, e.service_types, e.populations, e.languages, e.province,
  e.municipality_key, e.unit_x, e.unit_y, e.unit_z, e.open_minutes::text as open_minutes, e.open_24_7,
  e.referral_status, e.minimum_age::float8 as minimum_age, e.maximum_age::float8 as maximum_age,
  e.substance_use_accepted`

/** A slot's values of one facet as codes, in ascending order, shared by every slot with the same. */
type CodeList = readonly number[]

/**
 * One facet's values as small integers, so that a search counts them in an array; a slot's list of
 * codes is shared with every other slot holding the same values (a few hundred lists, not a slot each).
 */
class Codes {
  readonly values: string[] = []
  private readonly codeOf = new Map<string, number>()
  private readonly lists = new Map<string, CodeList>()

  /** The list of codes of `values`, nulls left out. */
  list(values: (string | null)[]): CodeList {
    const key = `${values.length}:${values.join('\u0000')}`
    let list = this.lists.get(key)
    if (!list) {
      list = values.flatMap((value) => (value === null ? [] : [this.code(value)])).sort((a, b) => a - b)
      this.lists.set(key, list)
    }
    return list
  }

  /** Which codes a filter lets through; `null` when the search does not filter on the facet. */
  wanted(values: readonly string[] | null): Uint8Array | null {
    if (values === null) return null
    const mask = new Uint8Array(this.values.length)
    for (const value of values) {
      const code = this.codeOf.get(value)
      if (code !== undefined) mask[code] = 1
    }
    return mask
  }

  private code(value: string): number {
    let code = this.codeOf.get(value)
    if (code === undefined) {
      code = this.values.length
      this.values.push(value)
      this.codeOf.set(value, code)
    }
    return code
  }
}

/** `{[0,60),[1440,1500)}` as [0, 60, 1440, 1500]. */
const parseMultirange = (text: string) => [...text.matchAll(/-?\d+/g)].map((match) => Number(match[0]))

/**
 * The search rows in columns, one slot per row version: a changed row gets a new slot and its old one
 * dies, so that each lexeme's slots stay in ascending order for merging.
 */
class Rows {
  revision: number
  readonly ids: string[] = []
  readonly alive: boolean[] = []
  readonly visible: boolean[] = []
  readonly listed: boolean[] = []
  readonly kinds: string[] = []
  /** Each facet's values of each slot, as codes: `codes[facet].values[code]`. */
  readonly codes = Object.fromEntries(facets.map((facet) => [facet, new Codes()])) as Record<Facet, Codes>
  readonly facetValues = Object.fromEntries(facets.map((facet) => [facet, []])) as unknown as Record<
    Facet,
    CodeList[]
  >
  readonly municipalities: (string | null)[] = []
  readonly x: number[] = []
  readonly y: number[] = []
  readonly z: number[] = []
  readonly open: number[][] = []
  readonly minimumAge: (number | null)[] = []
  readonly maximumAge: (number | null)[] = []
  readonly emptyText = { en: [] as boolean[], fr: [] as boolean[] }
  readonly postings = { en: new Map<string, Posting>(), fr: new Map<string, Posting>() }
  readonly slotOf = new Map<string, number>()
  dead = 0

  constructor(revision: number) {
    this.revision = revision
  }

  add(row: SearchRow) {
    this.remove(row.id)
    const slot = this.ids.length
    this.slotOf.set(row.id, slot)
    this.ids.push(row.id)
    this.alive.push(true)
    this.visible.push(!row.confidential)
    this.listed.push(row.status === 'active' || row.status === 'temporarily closed')
    this.kinds.push(row.kind)
    const values: Record<Facet, (string | null)[]> = {
      serviceType: row.service_types,
      population: row.populations,
      language: row.languages,
      province: [row.province],
      referralStatus: [row.referral_status],
      openNow: [],
      open247: row.open_24_7 ? [YES] : [],
      substanceUse: row.substance_use_accepted === true ? [YES] : [],
    }
    for (const facet of facets) this.facetValues[facet].push(this.codes[facet].list(values[facet]))
    this.municipalities.push(row.municipality_key)
    this.x.push(row.unit_x ?? Number.NaN)
    this.y.push(row.unit_y ?? Number.NaN)
    this.z.push(row.unit_z ?? Number.NaN)
    this.open.push(parseMultirange(row.open_minutes))
    this.minimumAge.push(row.minimum_age)
    this.maximumAge.push(row.maximum_age)
    for (const lang of ['en', 'fr'] as const) {
      const entries = parseTsvector(lang === 'en' ? row.text_en : row.text_fr)
      this.emptyText[lang].push(entries.length === 0)
      const postings = this.postings[lang]
      for (const [lexeme, positions] of entries) {
        let posting = postings.get(lexeme)
        if (!posting) {
          posting = { slots: [], starts: [], positions: [] }
          postings.set(lexeme, posting)
        }
        posting.slots.push(slot)
        posting.starts.push(posting.positions.length)
        for (const position of positions) posting.positions.push(position)
      }
    }
  }

  remove(id: string) {
    const slot = this.slotOf.get(id)
    if (slot === undefined) return
    this.alive[slot] = false
    this.slotOf.delete(id)
    this.dead += 1
  }

  /** The slots (ascending) whose text in `lang` matches the query. */
  matching(lang: 'en' | 'fr', query: TextQuery | 'empty'): number[] {
    if (query === 'empty') return []
    if (query.op === 'word') return this.postings[lang].get(query.lexeme)?.slots ?? []
    const left = this.matching(lang, query.left)
    const right = this.matching(lang, query.right)
    return query.op === 'and' ? intersect(left, right) : union(left, right)
  }

  /** `ts_rank` of a slot's text in `lang` for the query whose distinct lexemes' postings are given. */
  rank(lang: 'en' | 'fr', query: TextQuery | 'empty', postings: (Posting | undefined)[], slot: number) {
    if (query === 'empty') return 0
    const found = postings.map((posting) => (posting ? positionsAt(posting, slot) : null))
    return tsRank(query, found, this.emptyText[lang][slot]!)
  }
}

function positionsAt(posting: Posting, slot: number): Positions | null {
  const { slots, starts, positions } = posting
  let low = 0
  let high = slots.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const at = slots[middle]!
    if (at === slot) return positions.slice(starts[middle], starts[middle + 1] ?? positions.length)
    if (at < slot) low = middle + 1
    else high = middle - 1
  }
  return null
}

function intersect(a: number[], b: number[]): number[] {
  const out: number[] = []
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! === b[j]!) {
      out.push(a[i]!)
      i += 1
      j += 1
    } else if (a[i]! < b[j]!) i += 1
    else j += 1
  }
  return out
}

function union(a: number[], b: number[]): number[] {
  const out: number[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) out.push(a[i++]!)
    else if (i >= a.length || b[j]! < a[i]!) out.push(b[j++]!)
    else {
      out.push(a[i++]!)
      j += 1
    }
  }
  return out
}

/** Rows per batch while loading, between which the server answers other requests. */
const LOAD_BATCH = 2000

/**
 * The directory's search rows in memory, answering the search's filtering, counting and ranking
 * without a round trip through every matching row (ADR 005). It follows the database through
 * `directory_search_change`: each search first brings it to the revision the database is at, so it
 * never answers from rows older than the search. Until it has loaded, or when it cannot catch up,
 * `search` answers `null` and the caller asks SQL.
 */
export class DirectoryIndex {
  private rows: Rows | null = null
  private loading: Promise<void> | null = null
  private syncing: Promise<void> | null = null
  private closed = false

  constructor(
    private readonly db: Db,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** Loads every row (again), in batches; the previous copy, if any, answers until it is done. */
  load(): Promise<void> {
    if (!this.loading)
      this.loading = this.readAll()
        .then((rows) => {
          if (!this.closed) this.rows = rows
        })
        .catch(this.onError)
        .finally(() => {
          this.loading = null
        })
    return this.loading
  }

  /** Stops loading and answering. */
  async close() {
    this.closed = true
    this.rows = null
    await this.loading
  }

  get ready() {
    return this.rows !== null
  }

  private async readAll(): Promise<Rows> {
    const { rows } = await sql<SearchRow & { revision: string }>`
      select r.revision::text as revision, ${columns}
      from directory_search_revision r left join directory_search e on true`.execute(this.db)
    const index = new Rows(Number(rows[0]?.revision ?? 0))
    for (let start = 0; start < rows.length; start += LOAD_BATCH) {
      if (this.closed) break
      for (const row of rows.slice(start, start + LOAD_BATCH)) if (row.id !== null) index.add(row)
      await nextTurn()
    }
    return index
  }

  /** Brings the copy to `revision` (one round trip), or drops it to reload when the log has a gap. */
  private async catchUp(revision: number) {
    while (this.rows && this.rows.revision < revision) {
      if (!this.syncing) {
        const rows = this.rows
        this.syncing = this.readChanges(rows).finally(() => {
          this.syncing = null
        })
      }
      await this.syncing
    }
  }

  private async readChanges(rows: Rows) {
    const { rows: changes } = await sql<
      Partial<SearchRow> & { revision: string; complete_after: string; changed: string | null }
    >`
      select r.revision::text as revision, r.complete_after::text as complete_after, c.id as changed,
        ${columns}
      from directory_search_revision r
        left join (select distinct id from directory_search_change where revision > ${rows.revision}) c on true
        left join directory_search e on e.id = c.id`.execute(this.db)
    const head = changes[0]!
    if (Number(head.complete_after) > rows.revision) {
      // Changes were trimmed from the log before this copy read them: it can only start over.
      if (this.rows === rows) this.rows = null
      void this.load()
      return
    }
    for (const change of changes) {
      if (change.changed === null) continue
      if (change.id === null) rows.remove(change.changed)
      else rows.add(change as SearchRow)
    }
    rows.revision = Number(head.revision)
    // Dead slots only cost time: past the live ones, load afresh while this copy keeps answering.
    if (rows.dead > 10_000 && rows.dead > rows.slotOf.size) void this.load()
  }

  /**
   * The search's total, the page's ids in order and the facets, at the database's `revision`
   * (read in the same round trip as the search's other facts); `null` when not loaded.
   */
  async search(revision: number, search: IndexSearch): Promise<IndexResult | null> {
    try {
      await this.catchUp(revision)
    } catch (error) {
      this.onError(error)
      return null
    }
    const rows = this.rows
    if (!rows || rows.revision < revision) return null
    return runSearch(rows, search)
  }
}

function runSearch(rows: Rows, search: IndexSearch): IndexResult {
  const { text, circle } = search
  let candidates: Iterable<number>
  if (text) candidates = union(rows.matching('en', text.en), rows.matching('fr', text.fr))
  else candidates = rows.ids.keys()

  // Per facet, in the order of `facets`: each slot's codes, the codes its filter lets through, and
  // the count of each code.
  const columns = facets.map((facet) => rows.facetValues[facet])
  const openNow = rows.codes.openNow.list([YES])
  const closedNow = rows.codes.openNow.list([])
  const wanted = [
    search.serviceTypes,
    search.populations,
    search.languages,
    search.province === null ? null : [search.province],
    search.accepting ? ['accepting'] : null,
    search.openNow ? [YES] : null,
    search.open247 ? [YES] : null,
    search.substanceUse ? [YES] : null,
  ].map((values, i) => rows.codes[facets[i]!].wanted(values))
  const counts = facets.map((facet) => new Int32Array(rows.codes[facet].values.length))
  const { openingAt } = search
  const minuteIn = rows.codes.province.values.map(
    (code) => openingAt.byProvince[code as ProvinceCode] ?? openingAt.utc,
  )
  // The row's codes per facet, refilled for each row.
  const lists: CodeList[] = []
  const passing: number[] = []
  const nearness: number[] = []
  for (const slot of candidates) {
    if (!rows.alive[slot] || !rows.listed[slot]) continue
    if (!search.includeConfidential && !rows.visible[slot]) continue
    if (search.municipalityKey !== null && rows.municipalities[slot] !== search.municipalityKey) continue
    let near = 0
    if (circle) {
      near = rows.x[slot]! * circle.x + rows.y[slot]! * circle.y + rows.z[slot]! * circle.z
      if (!(near >= circle.minimumDot)) continue
    }
    if (search.age !== null) {
      const minimum = rows.minimumAge[slot]!
      const maximum = rows.maximumAge[slot]!
      if ((minimum !== null && minimum > search.age) || (maximum !== null && maximum < search.age)) continue
    }
    if (search.kinds && !search.kinds.includes(rows.kinds[slot]!)) continue

    // A facet counts the rows every other facet's filter lets through: a row failing one facet's
    // filter counts in that facet only, one failing two counts nowhere.
    for (let f = 0; f < columns.length; f++) lists[f] = columns[f]![slot]!
    const [province] = lists[PROVINCE]!
    const minute = province === undefined ? openingAt.utc : minuteIn[province]!
    lists[OPEN_NOW] = isOpen(rows.open[slot]!, minute) ? openNow : closedNow
    let failed = -1
    let rejected = false
    for (let f = 0; f < lists.length; f++) {
      const mask = wanted[f]
      if (mask && !lists[f]!.some((code) => mask[code] === 1)) {
        rejected = failed >= 0
        if (rejected) break
        failed = f
      }
    }
    if (rejected) continue
    for (let f = 0; f < lists.length; f++)
      if (failed < 0 || failed === f) for (const code of lists[f]!) counts[f]![code]! += 1
    if (failed < 0) {
      passing.push(slot)
      nearness.push(near)
    }
  }

  const ranks = new Float64Array(passing.length)
  if (text) {
    const postingsOf = (lang: 'en' | 'fr') => {
      const query = text[lang]
      return query === 'empty' ? [] : operandsOf(query).map((lexeme) => rows.postings[lang].get(lexeme))
    }
    const en = postingsOf('en')
    const fr = postingsOf('fr')
    passing.forEach((slot, i) => {
      ranks[i] = Math.fround(rows.rank('en', text.en, en, slot) + rows.rank('fr', text.fr, fr, slot))
    })
  }
  const order = passing.map((_, i) => i)
  order.sort(
    (a, b) =>
      ranks[b]! - ranks[a]! ||
      nearness[b]! - nearness[a]! ||
      compareC(rows.ids[passing[a]!]!, rows.ids[passing[b]!]!),
  )

  return {
    total: passing.length,
    ids: order.slice(search.offset, search.offset + search.limit).map((i) => rows.ids[passing[i]!]!),
    facets: Object.fromEntries(
      facets.map((facet, f) => {
        const { values } = rows.codes[facet]
        const found: FacetCount[] = []
        counts[f]!.forEach((count, code) => {
          if (count > 0) found.push({ value: values[code]!, count })
        })
        found.sort((a, b) => b.count - a.count || compareC(a.value, b.value))
        return [facet, found.slice(0, FACET_VALUES)]
      }),
    ) as Record<Facet, FacetCount[]>,
  }
}

/** Whether the minute of the week falls in one of the ranges `[from, to)` of an int4 multirange. */
function isOpen(ranges: number[], minute: number) {
  for (let i = 0; i + 1 < ranges.length; i += 2)
    if (ranges[i]! <= minute && minute < ranges[i + 1]!) return true
  return false
}
