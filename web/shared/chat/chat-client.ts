import { limits } from '../../../common/limits.ts'
import type { ApiClient } from '../api.ts'

/**
 * The visitor's side of a web chat, without any framework. The token that proves the conversation
 * is the visitor's lives in this object only: nothing is written to cookies or storage, so closing
 * the page forgets the conversation. Delivery survives a dropped connection: each message typed gets
 * an id of the page's making and stays in memory until the server acknowledges it; after every
 * (re)connection the page says the last sequence number it has, receives what follows, and sends
 * again whatever was not acknowledged, under the same id, so the server stores it once; one message
 * at a time, so they are stored in the order they were typed.
 */

export type VisitorState = 'waiting' | 'connected' | 'ended'
/** The socket as the person is told: first connection, connected, lost and trying again, given up. */
export type Connection = 'connecting' | 'open' | 'reconnecting' | 'closed'
export type SafeToChat = 'yes' | 'no' | 'unsure'

/** The server's limit on one message. */
export const MAX_MESSAGE_CHARS = limits.chatMessageMaxLength

export interface ChatOpening {
  language: 'en' | 'fr'
  preferredLanguage?: string
  safeToChat?: SafeToChat
}

export interface ChatMessage {
  /** Stable for the message's whole life, from typed to stored, so a list keeps its element. */
  key: string
  seq: number | null
  from: 'visitor' | 'advocate'
  body: string
  at: string | null
  /** `sending` until the server acknowledged it; `failed` when it can no longer be delivered. */
  status: 'sending' | 'sent' | 'failed'
}

export interface ChatSnapshot {
  state: VisitorState
  connection: Connection
  messages: readonly ChatMessage[]
}

type ServerFrame =
  | {
      type: 'message'
      seq: number
      from: 'visitor' | 'advocate'
      body: string
      at: string
      clientId: string | null
    }
  | { type: 'state'; state: VisitorState }
  | { type: 'ack'; clientId: string; seq: number }
  | { type: 'error'; code: string }

interface Draft {
  clientId: string
  body: string
  /** The sequence number the server gave it, once acknowledged. */
  seq: number | null
  failed: boolean
}

/** Opens a conversation; the answer's token is the only key to it and must stay in memory. */
export function openConversation(
  api: ApiClient,
  opening: ChatOpening,
): Promise<{ conversationId: string; token: string }> {
  return api.send('POST', '/api/chat/conversations', opening)
}

/** A random UUID from `getRandomValues`, which (unlike `randomUUID`) exists outside secure contexts. */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Waits twice as long after each failed attempt, up to 8 s, spread a little so clients do not align. */
export function defaultBackoff(attempt: number): number {
  return Math.min(8000, 500 * 2 ** attempt) * (0.8 + Math.random() * 0.4)
}

/** The chat socket of the page's own origin: the widget and the portal talk to no other host. */
export function chatSocketUrl(location: Location = window.location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/chat/socket`
}

export interface ChatConnectionOptions {
  conversationId: string
  token: string
  socketUrl?: string
  backoff?: (attempt: number) => number
  /** How long a connection may take to be ready (hello answered) before it is dropped and retried. */
  readyTimeoutMs?: number
}

export class ChatConnection {
  readonly #conversationId: string
  #token: string | null
  readonly #socketUrl: string
  readonly #backoff: (attempt: number) => number
  readonly #readyTimeoutMs: number
  #socket: WebSocket | null = null
  /** The server answered this socket's hello: messages sent now are read in a known conversation. */
  #ready = false
  /**
   * The one message sent and not yet acknowledged on this socket. One at a time: the server may
   * handle a socket's frames concurrently, and the person's messages must be stored in the order
   * they were typed.
   */
  #inFlight: string | null = null
  #attempt = 0
  #timer: ReturnType<typeof setTimeout> | null = null
  #destroyed = false
  #everReady = false
  readonly #received = new Map<number, ChatMessage>()
  readonly #drafts = new Map<string, Draft>()
  #state: VisitorState = 'waiting'
  #connection: Connection = 'connecting'
  #snapshot: ChatSnapshot
  readonly #listeners = new Set<() => void>()

  constructor(options: ChatConnectionOptions) {
    this.#conversationId = options.conversationId
    this.#token = options.token
    this.#socketUrl = options.socketUrl ?? chatSocketUrl()
    this.#backoff = options.backoff ?? defaultBackoff
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 10_000
    this.#snapshot = this.#build()
    window.addEventListener('online', this.#retryNow)
    this.#connect()
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  snapshot = (): ChatSnapshot => this.#snapshot

  /** Queues a message; it is sent now if the socket is ready, or as soon as it is again. */
  send(body: string): void {
    const text = body.trim()
    if (!text || this.#destroyed || this.#state === 'ended') return
    const draft: Draft = {
      clientId: newClientId(),
      body: text.slice(0, MAX_MESSAGE_CHARS),
      seq: null,
      failed: false,
    }
    this.#drafts.set(draft.clientId, draft)
    this.#changed()
    this.#pump()
  }

  /**
   * Tells the server the person left, without waiting for anything; its answer ends the conversation
   * here. With no connection to tell it through, the conversation ends here at once.
   */
  leave(): void {
    if (this.#destroyed) return
    if (this.#ready && this.#socket?.readyState === WebSocket.OPEN) {
      this.#socket.send(JSON.stringify({ type: 'leave' }))
      return
    }
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    const socket = this.#socket
    this.#socket = null
    socket?.close(1000)
    this.#state = 'ended'
    this.#connection = 'closed'
    this.#failUnacknowledged()
    this.#changed()
  }

  /**
   * Forgets everything: token, messages, drafts, timers, the socket. With `leave`, the server is told
   * first (if the socket is open), so an advocate is not left waiting on someone who is gone.
   */
  destroy({ leave = false } = {}): void {
    if (this.#destroyed) return
    if (leave) this.leave()
    this.#destroyed = true
    this.#token = null
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    window.removeEventListener('online', this.#retryNow)
    const socket = this.#socket
    this.#socket = null
    socket?.close(1000)
    this.#received.clear()
    this.#drafts.clear()
    this.#connection = 'closed'
    this.#changed()
    this.#listeners.clear()
  }

  #connect(): void {
    if (this.#destroyed || !this.#token) return
    const socket = new WebSocket(this.#socketUrl)
    this.#socket = socket
    this.#ready = false
    this.#inFlight = null
    const token = this.#token
    // A connection that never becomes ready (packets silently lost) is dropped and tried again.
    const readyTimer = setTimeout(() => {
      if (this.#socket === socket && !this.#ready) socket.close()
    }, this.#readyTimeoutMs)
    socket.onopen = () => {
      if (this.#socket !== socket) return
      socket.send(
        JSON.stringify({
          type: 'hello',
          conversationId: this.#conversationId,
          token,
          lastSeq: this.#lastSeq(),
        }),
      )
    }
    socket.onmessage = (event) => {
      if (this.#socket !== socket) return
      let frame: ServerFrame
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame
      } catch {
        return
      }
      this.#handle(frame, socket)
    }
    socket.onclose = (event) => {
      clearTimeout(readyTimer)
      if (this.#socket !== socket) return
      this.#socket = null
      this.#ready = false
      this.#inFlight = null
      if (this.#destroyed) return
      // 4401: the server does not know this conversation (any more); trying again cannot help.
      if (event.code === 4401 || this.#state === 'ended') {
        this.#failUnacknowledged()
        this.#connection = 'closed'
        this.#changed()
        return
      }
      this.#connection = this.#everReady ? 'reconnecting' : 'connecting'
      this.#changed()
      this.#timer = setTimeout(() => {
        this.#timer = null
        this.#connect()
      }, this.#backoff(this.#attempt))
      this.#attempt += 1
    }
  }

  /** The network came back: no need to sit out the rest of the back-off. */
  #retryNow = (): void => {
    if (!this.#timer || this.#destroyed) return
    clearTimeout(this.#timer)
    this.#timer = null
    this.#connect()
  }

  #handle(frame: ServerFrame, socket: WebSocket): void {
    switch (frame.type) {
      case 'message': {
        if (!this.#received.has(frame.seq)) {
          const key = frame.clientId ?? `seq:${frame.seq}`
          this.#received.set(frame.seq, {
            key,
            seq: frame.seq,
            from: frame.from,
            body: frame.body,
            at: frame.at,
            status: 'sent',
          })
        }
        if (frame.clientId) {
          this.#drafts.delete(frame.clientId)
          if (this.#inFlight === frame.clientId) this.#inFlight = null
          this.#pump()
        }
        this.#changed()
        return
      }
      case 'state': {
        this.#state = frame.state
        if (!this.#ready) {
          // The hello is answered (the catch-up ends with the state): now the drafts can go.
          this.#ready = true
          this.#everReady = true
          this.#attempt = 0
          this.#connection = 'open'
        }
        if (frame.state === 'ended') this.#failUnacknowledged()
        else this.#pump()
        this.#changed()
        return
      }
      case 'ack': {
        const draft = this.#drafts.get(frame.clientId)
        if (draft && !this.#received.has(frame.seq)) {
          draft.seq = frame.seq
          draft.failed = false
        } else if (draft) {
          this.#drafts.delete(frame.clientId)
        }
        if (this.#inFlight === frame.clientId) this.#inFlight = null
        this.#pump()
        this.#changed()
        return
      }
      case 'error': {
        if (frame.code === 'conversation_ended') {
          this.#inFlight = null
          this.#failUnacknowledged()
          this.#changed()
        } else if (frame.code === 'internal_error' || frame.code === 'hello_first') {
          // Not stored: a fresh connection sends the unacknowledged messages again.
          socket.close()
        }
        return
      }
    }
  }

  /** Sends the oldest message not yet acknowledged, if the socket is ready and nothing is in flight. */
  #pump(): void {
    if (!this.#ready || this.#inFlight || this.#state === 'ended') return
    if (this.#socket?.readyState !== WebSocket.OPEN) return
    for (const draft of this.#drafts.values()) {
      if (draft.seq !== null || draft.failed) continue
      this.#inFlight = draft.clientId
      this.#socket.send(JSON.stringify({ type: 'message', clientId: draft.clientId, body: draft.body }))
      return
    }
  }

  #failUnacknowledged(): void {
    for (const draft of this.#drafts.values()) if (draft.seq === null) draft.failed = true
  }

  #lastSeq(): number {
    let last = 0
    for (const seq of this.#received.keys()) last = Math.max(last, seq)
    return last
  }

  #changed(): void {
    this.#snapshot = this.#build()
    for (const listener of this.#listeners) listener()
  }

  /** Stored messages in sequence order; then the ones not stored yet, in the order they were typed. */
  #build(): ChatSnapshot {
    const placed: { order: number; message: ChatMessage }[] = []
    for (const message of this.#received.values()) placed.push({ order: message.seq ?? 0, message })
    let typed = 0
    for (const draft of this.#drafts.values()) {
      typed += 1
      placed.push({
        order: draft.seq ?? Number.MAX_SAFE_INTEGER - 10_000 + typed,
        message: {
          key: draft.clientId,
          seq: draft.seq,
          from: 'visitor',
          body: draft.body,
          at: null,
          status: draft.failed ? 'failed' : draft.seq === null ? 'sending' : 'sent',
        },
      })
    }
    placed.sort((a, b) => a.order - b.order)
    return {
      state: this.#state,
      connection: this.#connection,
      messages: placed.map((entry) => entry.message),
    }
  }
}
