import { solveChallenge } from './proof-of-work.ts'

/** Solves one challenge off the page's thread, so typing and the quick exit never wait for it. */
self.addEventListener('message', (event: MessageEvent<{ challenge: string; bits: number }>) => {
  void solveChallenge(event.data.challenge, event.data.bits).then((counter) => self.postMessage({ counter }))
})
