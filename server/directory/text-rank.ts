/**
 * PostgreSQL's full-text matching and `ts_rank`, over vectors and queries as PostgreSQL prints them,
 * for the directory's search index in memory (ADR 005). The same results to the last bit of the
 * float4 rank: each step rounds to single precision where PostgreSQL's C code does
 * (src/backend/utils/adt/tsrank.c, the default weights and normalisation 0).
 */

/** A lexeme's positions, each `position * 4 + weight` (weight D = 0 … A = 3); none when stripped. */
export type Positions = number[]

/** `ts_rank`'s default weights of D, C, B and A, as the float4 they are in PostgreSQL. */
const WEIGHTS = [0.1, 0.2, 0.4, 1.0].map(Math.fround)
const WEIGHT_OF: Record<string, number> = { D: 0, C: 1, B: 2, A: 3 }
const MAX_ENTRY_POS = 1 << 14
const f = Math.fround

const unquote = (text: string) => text.replace(/''/g, "'").replace(/\\\\/g, '\\')

/** A tsvector's text form (`'word':1A,3 'other':2`) as its lexemes and their positions. */
export function parseTsvector(text: string): [string, Positions][] {
  const entries: [string, Positions][] = []
  for (const match of text.matchAll(/'((?:[^']|'')*)'(?::([0-9A-D,]+))?/g)) {
    const positions: Positions = []
    if (match[2])
      for (const part of match[2].split(',')) {
        const weight = part.at(-1)!
        const letter = weight >= 'A' && weight <= 'D'
        positions.push(Number(letter ? part.slice(0, -1) : part) * 4 + (letter ? WEIGHT_OF[weight]! : 0))
      }
    entries.push([unquote(match[1]!), positions])
  }
  return entries
}

/** A query of lexemes joined by AND and OR: what `websearch_to_tsquery` makes of plain words. */
export type TextQuery =
  | { op: 'word'; lexeme: string }
  | { op: 'and' | 'or'; left: TextQuery; right: TextQuery }

/**
 * A tsquery's text form as a tree; `null` when it holds what this module does not evaluate (NOT,
 * phrases, prefixes, weights: SQL answers those) and `'empty'` for a query without lexemes.
 */
export function parseTsquery(text: string): TextQuery | 'empty' | null {
  const tokens = text.match(/'(?:[^']|'')*'(?::[*A-D]+)?|[&|!()]|<[0-9-]+>|\S/g) ?? []
  if (tokens.length === 0) return 'empty'
  let at = 0
  // Operands joined by one operator, left to right: OR binds looser than AND.
  const joined = (symbol: string, op: 'and' | 'or', next: () => TextQuery | null) => (): TextQuery | null => {
    let left = next()
    while (left && tokens[at] === symbol) {
      at += 1
      const right = next()
      left = right && { op, left, right }
    }
    return left
  }
  const and = joined('&', 'and', () => operand())
  const or = joined('|', 'or', and)
  const operand = (): TextQuery | null => {
    const token = tokens[at++]
    if (token === '(') {
      const inner = or()
      return tokens[at++] === ')' ? inner : null
    }
    if (token?.startsWith("'") && token.endsWith("'") && token.length >= 2)
      return { op: 'word', lexeme: unquote(token.slice(1, -1)) }
    return null
  }
  const tree = or()
  return tree && at === tokens.length ? tree : null
}

/** The distinct lexemes of a query in PostgreSQL's order (bytes, then length), as ts_rank reads them. */
export function operandsOf(query: TextQuery): string[] {
  const found = new Set<string>()
  const walk = (node: TextQuery) => {
    if (node.op === 'word') found.add(node.lexeme)
    else {
      walk(node.left)
      walk(node.right)
    }
  }
  walk(query)
  return [...found].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
}

const weightOf = (position: number) => WEIGHTS[position & 3]!
const positionOf = (position: number) => position >> 2

function rankOr(found: (Positions | null)[]): number {
  let res = 0
  for (const positions of found) {
    if (!positions) continue
    const post = positions.length > 0 ? positions : [0]
    let resj = 0
    let wjm = -1
    let jm = 0
    for (let j = 0; j < post.length; j++) {
      const w = weightOf(post[j]!)
      resj = f(resj + f(w / ((j + 1) * (j + 1))))
      if (w > wjm) {
        wjm = w
        jm = j
      }
    }
    res = f(res + f(f(wjm + resj) - f(wjm / ((jm + 1) * (jm + 1)))) / 1.64493406685)
  }
  return found.length > 0 ? f(res / found.length) : res
}

const wordDistance = (distance: number) =>
  distance > 100 ? f(1e-30) : f(1.0 / (1.005 + 0.05 * Math.exp(f(distance) / 1.5 - 2)))
/** The position of a lexeme stored without positions, as ts_rank's AND ranking assumes it. */
const NO_POSITION = [(MAX_ENTRY_POS - 1) * 4]

function rankAnd(found: (Positions | null)[]): number {
  if (found.length < 2) return rankOr(found)
  let res = -1
  const seen: (Positions | null)[] = []
  for (let i = 0; i < found.length; i++) {
    const mine = found[i]
    if (!mine) {
      seen.push(null)
      continue
    }
    const post = mine.length > 0 ? mine : NO_POSITION
    for (let k = 0; k < i; k++) {
      const theirs = seen[k]
      if (!theirs) continue
      const ct = theirs.length > 0 ? theirs : NO_POSITION
      const anyUnpositioned = mine.length === 0 || theirs.length === 0
      for (const l of post)
        for (const p of ct) {
          let distance = Math.abs(positionOf(l) - positionOf(p))
          if (distance || anyUnpositioned) {
            if (!distance) distance = MAX_ENTRY_POS
            const curw = f(Math.sqrt(f(f(weightOf(l) * weightOf(p)) * wordDistance(distance))))
            res = res < 0 ? curw : f(1.0 - (1.0 - res) * (1.0 - curw))
          }
        }
    }
    seen.push(mine)
  }
  return res
}

/**
 * `ts_rank(vector, query)` with the default weights: `found` holds, for each of the query's
 * distinct lexemes in `operandsOf` order, its positions in the vector or `null` when absent.
 */
export function tsRank(query: TextQuery, found: (Positions | null)[], vectorEmpty: boolean): number {
  if (vectorEmpty) return 0
  const res = query.op === 'and' ? rankAnd(found) : rankOr(found)
  return res < 0 ? f(1e-20) : res
}
