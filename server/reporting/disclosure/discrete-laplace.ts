import { cryptoRandom, type RandomSource } from './random.ts'

/**
 * Exact sampling of the discrete Laplace distribution (the two-sided geometric distribution):
 * P[Z = z] = (1 − α) / (1 + α) · α^|z| for every integer z, with α = e^−ε. It is the noise of the
 * geometric mechanism, ε-differentially private for a count one person changes by at most 1.
 *
 * Method: Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS
 * 2020), algorithms 1 and 2. Every step is a comparison of uniform integers drawn from a
 * cryptographic source, in exact integer arithmetic (bigint): no floating-point number, no
 * logarithm, no Math.random, so the distribution is exactly the one above and not an approximation
 * whose rounding errors could leak the count. The algorithm needs ε as a ratio of integers: a
 * JavaScript number is one exactly (an integer over a power of two), so ε is used exactly as given.
 */

export function sampleDiscreteLaplace(epsilon: number, random: RandomSource = cryptoRandom): number {
  const { numerator: s, denominator: t } = dyadic(epsilon)
  // Z has scale t/s = 1/ε: P[Z = z] ∝ exp(−|z| · s / t).
  for (;;) {
    const u = random.below(t)
    if (!bernoulliExp(random, u, t)) continue
    let v = 0n
    while (bernoulliExp(random, 1n, 1n)) v += 1n
    const y = (u + t * v) / s
    const negative = random.below(2n) === 1n
    if (negative && y === 0n) continue
    return Number(negative ? -y : y)
  }
}

/** True with probability exp(−n/d), exactly; n ≥ 0, d ≥ 1 (algorithm 1, whole part first). */
export function bernoulliExp(random: RandomSource, n: bigint, d: bigint): boolean {
  let rest = n
  while (rest > d) {
    if (!bernoulliExpAtMostOne(random, d, d)) return false
    rest -= d
  }
  return bernoulliExpAtMostOne(random, rest, d)
}

/** exp(−γ) for γ = n/d in [0, 1]: count successes of Bernoulli(γ/k), k = 1, 2, …; odd stop wins. */
function bernoulliExpAtMostOne(random: RandomSource, n: bigint, d: bigint): boolean {
  let k = 1n
  while (random.below(d * k) < n) k += 1n
  return k % 2n === 1n
}

/** ε as numerator / 2^k exactly (every finite double is such a fraction). */
function dyadic(epsilon: number): { numerator: bigint; denominator: bigint } {
  if (!Number.isFinite(epsilon) || epsilon <= 0) {
    throw new RangeError(`ε must be a positive finite number, not ${epsilon}`)
  }
  let scaled = epsilon
  let denominator = 1n
  while (!Number.isInteger(scaled)) {
    scaled *= 2
    denominator *= 2n
  }
  return { numerator: BigInt(scaled), denominator }
}

/** The variance of the noise: 2α / (1 − α)², α = e^−ε. */
export function discreteLaplaceVariance(epsilon: number): number {
  const alpha = Math.exp(-epsilon)
  return (2 * alpha) / (1 - alpha) ** 2
}
