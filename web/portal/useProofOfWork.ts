import { useCallback, useEffect, useRef } from 'react'
import type { WebFormChallenge } from '../../common/contracts/web-form.ts'
import type { ApiClient } from '../shared/api.ts'

export interface Proof {
  challenge: string
  counter: string
}

interface Solved extends Proof {
  expiresAt: number
}

/** A proof is fetched again when the one at hand has less than this left. */
const MARGIN_MS = 60_000

/** Solves a challenge in a Web Worker, so the page (typing, the quick exit) never waits for it. */
function solveInWorker(challenge: WebFormChallenge, signal: AbortSignal): Promise<Solved> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./proof-of-work.worker.ts', import.meta.url), { type: 'module' })
    const stop = () => {
      worker.terminate()
      reject(signal.reason)
    }
    signal.addEventListener('abort', stop, { once: true })
    worker.addEventListener('message', (event: MessageEvent<{ counter: string }>) => {
      signal.removeEventListener('abort', stop)
      worker.terminate()
      resolve({
        challenge: challenge.challenge,
        counter: event.data.counter,
        expiresAt: Date.parse(challenge.expiresAt),
      })
    })
    worker.addEventListener('error', (event) => {
      signal.removeEventListener('abort', stop)
      worker.terminate()
      reject(event.error ?? new Error(event.message))
    })
    worker.postMessage({ challenge: challenge.challenge, bits: challenge.bits })
  })
}

/**
 * The web form's proof of work. One is prepared as soon as the page opens, while the person writes;
 * `take` hands it over (or prepares a fresh one when it is missing, spent or about to expire) and
 * starts preparing the next.
 */
export function useProofOfWork(api: ApiClient) {
  const pending = useRef<Promise<Solved> | null>(null)
  const controller = useRef<AbortController | null>(null)

  const prepare = useCallback(() => {
    controller.current ??= new AbortController()
    const signal = controller.current.signal
    const next = api
      .get<WebFormChallenge>('/api/intake/form/challenge')
      .then((challenge) => solveInWorker(challenge, signal))
    // A failure here is met again, and reported, when the proof is taken.
    next.catch(() => undefined)
    pending.current = next
    return next
  }, [api])

  useEffect(() => {
    prepare()
    return () => {
      controller.current?.abort()
      controller.current = null
      pending.current = null
    }
  }, [prepare])

  /** A proof for one submission; `fresh` skips the prepared one (the server refused it). */
  const take = useCallback(
    async (fresh = false): Promise<Proof> => {
      let solved = fresh ? null : await pending.current?.catch(() => null)
      if (!solved || solved.expiresAt - Date.now() < MARGIN_MS) solved = await prepare()
      pending.current = null
      prepare()
      return { challenge: solved.challenge, counter: solved.counter }
    },
    [prepare],
  )
  return take
}
