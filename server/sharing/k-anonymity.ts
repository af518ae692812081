/**
 * k-anonymity by full-domain global generalisation and local suppression (Samarati and Sweeney's
 * model), on records of string values. Pure: no I/O, the input is never changed.
 *
 * Each quasi-identifier declares a generalisation hierarchy: levels from the finest value published
 * (level 0) to the coarsest, each a function of the original value; the last level maps every value to
 * `*`. A lattice node is one level per quasi-identifier. For each node, the records whose equivalence
 * class (same generalised quasi-identifiers) holds fewer than k records would have to be suppressed.
 *
 * The node published is the one of lowest information loss, measured by Iyengar's loss metric with
 * suppression counted in: a published cell whose value covers c of the D distinct level-0 values of
 * its quasi-identifier in the data loses (c - 1) / (D - 1) of its precision (0 at level 0, 1 for `*`),
 * and every quasi-identifier cell of a suppressed record loses all of it. The loss of a node is the
 * mean over all quasi-identifier cells of the input, between 0 and 1 (everything `*`).
 * The whole lattice is searched when it has at most `maxNodes` nodes; otherwise a greedy walk up from
 * the bottom node (each step raising the one quasi-identifier that gives the lowest loss, until no
 * record needs suppressing) keeps the best node it passed.
 *
 * Local suppression: the records left in classes smaller than k have every quasi-identifier replaced
 * by `*`. Together they form one class; if it still holds fewer than k records, they are dropped from
 * the output. Both count as suppressed records in the summary.
 */

export const SUPPRESSED = '*'
export const DEFAULT_K = 11

export type DataRecord = Readonly<Record<string, string>>

export interface QuasiIdentifier {
  name: string
  /** From the finest to the coarsest; each maps an original value to its generalised value. */
  levels: readonly ((value: string) => string)[]
}

export interface AnonymizeOptions {
  /** Every published combination of quasi-identifiers is shared by at least k records (default 11). */
  k?: number
  /** Above this many lattice nodes, the greedy walk replaces the full search (default 10,000). */
  maxNodes?: number
}

export interface VariableLoss {
  name: string
  /** The level applied, 0 being the finest. */
  level: number
  /** How many levels the hierarchy has (the last is `*`). */
  levels: number
  /** Published cells whose value is coarser than it would be at level 0 (`*` not counted). */
  valuesGeneralised: number
  /** Published cells shown as `*`, by the level applied or by local suppression. */
  cellsSuppressed: number
}

export interface InformationLoss {
  k: number
  records: {
    input: number
    /** Records in the output, locally suppressed ones included. */
    published: number
    /** Published with every quasi-identifier `*`. */
    locallySuppressed: number
    /** Left out: too few to form a class of k even with every quasi-identifier `*`. */
    dropped: number
  }
  variables: VariableLoss[]
  equivalenceClasses: number
  /** The size of the smallest published class; null when nothing is published. */
  smallestClass: number | null
  /** Mean precision lost per quasi-identifier cell of the input (loss metric), 0 to 1; suppression is 1. */
  loss: number
  search: { strategy: 'exhaustive' | 'greedy'; latticeSize: number; nodesEvaluated: number }
}

export interface AnonymizeResult {
  records: Record<string, string>[]
  /** The level chosen per quasi-identifier, by name. */
  levels: Record<string, number>
  summary: InformationLoss
}

export interface OffendingClass {
  values: Record<string, string>
  size: number
}

/**
 * The equivalence classes (records sharing every quasi-identifier's value) smaller than k, largest
 * first. An empty list means the records are k-anonymous on those quasi-identifiers.
 */
export function verifyKAnonymity(
  records: readonly DataRecord[],
  quasiIdentifiers: readonly string[],
  k: number,
): OffendingClass[] {
  return classesOf(records, quasiIdentifiers)
    .filter((entry) => entry.size < k)
    .sort((a, b) => b.size - a.size)
}

/** Every equivalence class of the records on these quasi-identifiers, with its size. */
function classesOf(records: readonly DataRecord[], quasiIdentifiers: readonly string[]): OffendingClass[] {
  const classes = new Map<string, OffendingClass>()
  for (const record of records) {
    const values = Object.fromEntries(quasiIdentifiers.map((name) => [name, record[name] ?? '']))
    const key = JSON.stringify(quasiIdentifiers.map((name) => values[name]))
    const found = classes.get(key)
    if (found) found.size += 1
    else classes.set(key, { values, size: 1 })
  }
  return [...classes.values()]
}

/** One quasi-identifier's values, coded: each level's generalised value per distinct original value. */
interface Coded {
  /** [level][signature] → index of the generalised value in `values[level]`. */
  codes: Int32Array[]
  /** [original index] → its signature: originals generalised alike at every level share one. */
  signatureOf: Int32Array
  values: string[][]
  /** [level][generalised value index] → the share of the precision a cell of that value loses. */
  losses: Float64Array[]
}

function code(qi: QuasiIdentifier, originals: string[]): Coded {
  const codes: Int32Array[] = []
  const values: string[][] = []
  qi.levels.forEach((generalise, level) => {
    const index = new Map<string, number>()
    const table: string[] = []
    const column = new Int32Array(originals.length)
    originals.forEach((original, i) => {
      const value = generalise(original)
      if (level === qi.levels.length - 1 && value !== SUPPRESSED)
        throw new Error(`${qi.name}: the last level must map every value to "${SUPPRESSED}" (not "${value}")`)
      let at = index.get(value)
      if (at === undefined) {
        at = table.length
        index.set(value, at)
        table.push(value)
      }
      column[i] = at
    })
    codes.push(column)
    values.push(table)
  })
  // A value covering c of the D distinct level-0 values found loses (c - 1) / (D - 1) of the precision.
  const finest = codes[0]!
  const distinct = values[0]!.length
  const losses = codes.map((column, level) => {
    const covered = values[level]!.map(() => new Set<number>())
    column.forEach((at, i) => {
      covered[at]!.add(finest[i]!)
    })
    return Float64Array.from(covered, (set, at) =>
      values[level]![at] === SUPPRESSED ? 1 : distinct <= 1 ? 0 : (set.size - 1) / (distinct - 1),
    )
  })
  // Originals alike at every level share a signature; the codes are kept per signature.
  const signatures = new Map<string, number>()
  const representatives: number[] = []
  const signatureOf = Int32Array.from(originals, (_, i) => {
    const key = codes.map((column) => column[i]).join(',')
    let at = signatures.get(key)
    if (at === undefined) {
      at = representatives.length
      signatures.set(key, at)
      representatives.push(i)
    }
    return at
  })
  return {
    codes: codes.map((column) => Int32Array.from(representatives, (i) => column[i]!)),
    values,
    losses,
    signatureOf,
  }
}

interface Evaluation {
  node: number[]
  loss: number
  suppressed: number
}

export function anonymize(
  records: readonly DataRecord[],
  quasiIdentifiers: readonly QuasiIdentifier[],
  options: AnonymizeOptions = {},
): AnonymizeResult {
  const k = options.k ?? DEFAULT_K
  const maxNodes = options.maxNodes ?? 10_000
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer (not ${k})`)
  if (new Set(quasiIdentifiers.map((qi) => qi.name)).size !== quasiIdentifiers.length)
    throw new Error('quasi-identifiers must have distinct names')
  for (const qi of quasiIdentifiers)
    if (qi.levels.length === 0) throw new Error(`${qi.name}: a hierarchy needs at least its "*" level`)

  const n = records.length
  const q = quasiIdentifiers.length
  const heights = quasiIdentifiers.map((qi) => qi.levels.length)

  // Distinct original values per quasi-identifier, coded at every level; then records grouped by
  // the tuple of their values' signatures (originals that every level generalises alike, such as the
  // days of one month, are one). Every node is evaluated on the groups, not the records.
  const originalIndex = quasiIdentifiers.map(() => new Map<string, number>())
  const originals: string[][] = quasiIdentifiers.map(() => [])
  const originalOf = quasiIdentifiers.map((qi, i) =>
    Int32Array.from(records, (record) => {
      const value = record[qi.name] ?? ''
      let at = originalIndex[i]!.get(value)
      if (at === undefined) {
        at = originals[i]!.length
        originalIndex[i]!.set(value, at)
        originals[i]!.push(value)
      }
      return at
    }),
  )
  const coded = quasiIdentifiers.map((qi, i) => code(qi, originals[i]!))
  const groupOf = new Int32Array(n)
  const groupKeys = new Map<string, number>()
  const groupTuples: number[][] = []
  const groupSizes: number[] = []
  for (let r = 0; r < n; r += 1) {
    const tuple = coded.map((entry, i) => entry.signatureOf[originalOf[i]![r]!]!)
    const key = tuple.join(',')
    let group = groupKeys.get(key)
    if (group === undefined) {
      group = groupTuples.length
      groupKeys.set(key, group)
      groupTuples.push(tuple)
      groupSizes.push(0)
    }
    groupSizes[group]! += 1
    groupOf[r] = group
  }

  /** The class of each group at a node, and each class's size. */
  const classesAt = (node: readonly number[]) => {
    const classOfGroup = new Int32Array(groupTuples.length)
    const sizes: number[] = []
    // A class is keyed by its generalised values' indices in mixed radix, or as text if that
    // number could exceed what a double holds exactly.
    const radices = node.map((level, i) => coded[i]!.values[level]!.length)
    const numeric = radices.reduce((product, radix) => product * radix, 1) <= Number.MAX_SAFE_INTEGER
    const keys = new Map<number | string, number>()
    for (let g = 0; g < groupTuples.length; g += 1) {
      const tuple = groupTuples[g]!
      let key: number | string = numeric ? 0 : ''
      for (let i = 0; i < q; i += 1) {
        const value = coded[i]!.codes[node[i]!]![tuple[i]!]!
        key = numeric ? (key as number) * radices[i]! + value : `${key}${value},`
      }
      let at = keys.get(key)
      if (at === undefined) {
        at = sizes.length
        keys.set(key, at)
        sizes.push(0)
      }
      sizes[at]! += groupSizes[g]!
      classOfGroup[g] = at
    }
    return { classOfGroup, sizes }
  }

  let evaluated = 0
  const evaluate = (node: number[]): Evaluation => {
    evaluated += 1
    const { classOfGroup, sizes } = classesAt(node)
    let suppressed = 0
    let lost = 0
    for (let g = 0; g < groupTuples.length; g += 1) {
      const size = groupSizes[g]!
      if (sizes[classOfGroup[g]!]! < k) {
        suppressed += size
        lost += size * q
        continue
      }
      const tuple = groupTuples[g]!
      for (let i = 0; i < q; i += 1) {
        const { codes, losses } = coded[i]!
        lost += size * losses[node[i]!]![codes[node[i]!]![tuple[i]!]!]!
      }
    }
    return { node, loss: n === 0 || q === 0 ? 0 : lost / (n * q), suppressed }
  }
  const better = (a: Evaluation, b: Evaluation) => {
    if (a.loss !== b.loss) return a.loss < b.loss
    if (a.suppressed !== b.suppressed) return a.suppressed < b.suppressed
    for (let i = 0; i < q; i += 1) if (a.node[i] !== b.node[i]) return a.node[i]! < b.node[i]!
    return false
  }

  const latticeSize = heights.reduce((product, height) => product * height, 1)
  const strategy = latticeSize <= maxNodes ? 'exhaustive' : 'greedy'
  let best = evaluate(heights.map(() => 0))
  if (strategy === 'exhaustive') {
    const node = heights.map(() => 0)
    for (let visited = 1; visited < latticeSize; visited += 1) {
      // The next node in mixed-radix order.
      for (let i = q - 1; i >= 0; i -= 1) {
        node[i]! += 1
        if (node[i]! < heights[i]!) break
        node[i] = 0
      }
      const candidate = evaluate([...node])
      if (better(candidate, best)) best = candidate
    }
  } else {
    let current = best
    while (current.suppressed > 0) {
      let step: Evaluation | null = null
      for (let i = 0; i < q; i += 1) {
        if (current.node[i]! + 1 >= heights[i]!) continue
        const candidate = evaluate(current.node.map((level, j) => (j === i ? level + 1 : level)))
        if (!step || better(candidate, step)) step = candidate
      }
      if (!step) break
      current = step
      if (better(current, best)) best = current
    }
  }

  // Publish at the chosen node: generalise, suppress the small classes locally, drop what stays small.
  const { classOfGroup, sizes } = classesAt(best.node)
  const small = (g: number) => sizes[classOfGroup[g]!]! < k
  // The records suppressed join a published class whose values are all "*", if there is one.
  const allSuppressed = groupTuples.findIndex(
    (tuple, g) =>
      !small(g) &&
      quasiIdentifiers.every((_, i) => {
        const level = best.node[i]!
        return coded[i]!.values[level]![coded[i]!.codes[level]![tuple[i]!]!] === SUPPRESSED
      }),
  )
  const joined = allSuppressed >= 0 ? sizes[classOfGroup[allSuppressed]!]! : 0
  const dropped = best.suppressed > 0 && best.suppressed + joined < k ? best.suppressed : 0
  const locallySuppressed = best.suppressed - dropped
  const variables: VariableLoss[] = quasiIdentifiers.map((qi, i) => ({
    name: qi.name,
    level: best.node[i]!,
    levels: heights[i]!,
    valuesGeneralised: 0,
    cellsSuppressed: 0,
  }))
  const output: Record<string, string>[] = []
  records.forEach((record, r) => {
    const g = groupOf[r]!
    const suppress = small(g)
    if (suppress && dropped > 0) return
    const published: Record<string, string> = { ...record }
    const tuple = groupTuples[g]!
    quasiIdentifiers.forEach((qi, i) => {
      const level = best.node[i]!
      const value = suppress ? SUPPRESSED : coded[i]!.values[level]![coded[i]!.codes[level]![tuple[i]!]!]!
      published[qi.name] = value
      const variable = variables[i]!
      if (value === SUPPRESSED) variable.cellsSuppressed += 1
      else if (value !== coded[i]!.values[0]![coded[i]!.codes[0]![tuple[i]!]!])
        variable.valuesGeneralised += 1
    })
    output.push(published)
  })

  const classes = classesOf(
    output,
    quasiIdentifiers.map((qi) => qi.name),
  )
  let smallest: number | null = null
  for (const { size } of classes) smallest = smallest === null ? size : Math.min(smallest, size)
  return {
    records: output,
    levels: Object.fromEntries(quasiIdentifiers.map((qi, i) => [qi.name, best.node[i]!])),
    summary: {
      k,
      records: { input: n, published: output.length, locallySuppressed, dropped },
      variables,
      equivalenceClasses: classes.length,
      smallestClass: smallest,
      loss: best.loss,
      search: { strategy, latticeSize, nodesEvaluated: evaluated },
    },
  }
}
