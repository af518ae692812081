/**
 * Solves the web form's proof of work with WebCrypto: the first counter such that
 * SHA-256(challenge + counter) starts with `bits` zero bits (the server checks the same sum).
 * Digests are asked for in batches, so the browser's crypto runs them while this code waits.
 */

const BATCH = 256

/** Whether the first `bits` bits of a digest are zero. */
export function leadingZeroBits(digest: Uint8Array, bits: number): boolean {
  const whole = Math.floor(bits / 8)
  for (let index = 0; index < whole; index += 1) if (digest[index] !== 0) return false
  const rest = bits % 8
  return rest === 0 || ((digest[whole] ?? 0) & ((0xff00 >> rest) & 0xff)) === 0
}

/** The counter (decimal) that solves the challenge; stops with an AbortError when `signal` aborts. */
export async function solveChallenge(challenge: string, bits: number, signal?: AbortSignal): Promise<string> {
  const encoder = new TextEncoder()
  for (let base = 0; ; base += BATCH) {
    signal?.throwIfAborted()
    const digests = await Promise.all(
      Array.from({ length: BATCH }, (_, offset) =>
        crypto.subtle.digest('SHA-256', encoder.encode(`${challenge}${base + offset}`)),
      ),
    )
    const found = digests.findIndex((digest) => leadingZeroBits(new Uint8Array(digest), bits))
    if (found >= 0) return String(base + found)
  }
}
