import { onQuickExit } from '../quick-exit.ts'
import type { ChatConnection } from './chat-client.ts'

/** Where the person is in starting a chat, from choosing a language to the conversation itself. */
export type ChatPhase =
  | { step: 'language' }
  | { step: 'questions'; language: 'en' | 'fr' }
  | { step: 'chat'; language: 'en' | 'fr'; connection: ChatConnection }

/**
 * The page's one chat, kept outside the components so it outlives them (the portal's pages come and
 * go around it) and so leaving can find it: the quick exit and the page being closed both end the
 * conversation on the server and forget it here. It lives in memory only.
 */
class ChatSession {
  #phase: ChatPhase = { step: 'language' }
  readonly #listeners = new Set<() => void>()

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  phase = (): ChatPhase => this.#phase

  go(phase: ChatPhase): void {
    const previous = this.#phase
    if (previous.step === 'chat' && (phase.step !== 'chat' || phase.connection !== previous.connection)) {
      previous.connection.destroy()
    }
    this.#phase = phase
    for (const listener of this.#listeners) listener()
  }

  /** Says goodbye to the server if a conversation is open, and forgets it. */
  wipe = (): void => {
    const previous = this.#phase
    if (previous.step === 'chat') previous.connection.destroy({ leave: true })
    this.go({ step: 'language' })
  }
}

export const chatSession = new ChatSession()

onQuickExit(chatSession.wipe)
// A conversation cannot be taken up again once the page is gone (its token was only in memory).
window.addEventListener('pagehide', chatSession.wipe)
