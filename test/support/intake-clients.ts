import { randomUUID } from 'node:crypto'
import type { Workspace } from '../../common/contracts/intake.ts'
import type { StaffSession } from './processes.ts'
import { SocketClient } from './sockets.ts'

/**
 * The two ends of a conversation as a browser holds them, against one Relais process: a visitor
 * (web chat) and an advocate's console tab. For tests and benchmarks that run several processes.
 */

let visitorCounter = 0

/**
 * A visitor address behind the deployment's reverse proxy (RELAIS_TRUST_PROXY), a new one per visitor,
 * so the allowance of chats per address does not mistake a crowd for one visitor. Taken from
 * 198.18.0.0/15, the range set aside for benchmarking: the addresses only ever appear in a header.
 */
export function visitorAddress(): string {
  visitorCounter += 1
  const n = visitorCounter
  return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`
}

/** Opens a web chat conversation through POST /api/chat/conversations. */
export async function openChat(
  origin: string,
  { language = 'en', address = visitorAddress() }: { language?: string; address?: string } = {},
): Promise<{ conversationId: string; token: string }> {
  const response = await fetch(`${origin}/api/chat/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ language }),
  })
  const text = await response.text()
  if (response.status !== 201) throw new Error(`opening a chat answered ${response.status}: ${text}`)
  return JSON.parse(text) as { conversationId: string; token: string }
}

/** A visitor's chat socket, past its hello. */
export class Visitor {
  readonly socket: SocketClient
  readonly conversationId: string

  private constructor(socket: SocketClient, conversationId: string) {
    this.socket = socket
    this.conversationId = conversationId
  }

  static async connect(origin: string, chat: { conversationId: string; token: string }): Promise<Visitor> {
    const socket = await SocketClient.open(`${origin.replace(/^http/, 'ws')}/api/chat/socket`)
    socket.send({ type: 'hello', conversationId: chat.conversationId, token: chat.token, lastSeq: 0 })
    await socket.next((frame) => frame.type === 'state')
    return new Visitor(socket, chat.conversationId)
  }

  /** Sends a message; resolves with its sequence number once the server acknowledged it. */
  async say(body: string): Promise<number> {
    const clientId = randomUUID()
    const from = this.socket.frames.length
    this.socket.send({ type: 'message', clientId, body })
    const ack = await this.socket.next<{ seq: number }>(
      (frame) => frame.type === 'ack' && frame.clientId === clientId,
      { from, timeout: 30_000 },
    )
    return ack.seq
  }

  close(): void {
    this.socket.close()
  }
}

type WorkspaceFrame = { type: 'workspace'; workspace: Workspace }

/**
 * An advocate's console tab: the console socket (session cookie, the console's own Origin) and the
 * REST calls of the workspace, all against one process. With `autoAccept`, every offer the socket
 * pushes is accepted at once, as a keen advocate would.
 */
export class Desk {
  readonly socket: SocketClient
  readonly origin: string
  readonly staff: StaffSession
  /** Offers this desk tried to accept, and the answer's status. */
  readonly accepted = new Map<string, number>()
  #autoAccept = false

  private constructor(socket: SocketClient, origin: string, staff: StaffSession) {
    this.socket = socket
    this.origin = origin
    this.staff = staff
    socket.socket.on('message', (raw) => {
      if (!this.#autoAccept) return
      const frame = JSON.parse(String(raw)) as { type: string }
      if (frame.type === 'workspace') this.#acceptAll((frame as WorkspaceFrame).workspace)
    })
  }

  #acceptAll(workspace: Workspace): void {
    for (const offer of workspace.offers) {
      if (this.accepted.has(offer.offerId)) continue
      this.accepted.set(offer.offerId, 0)
      void this.accept(offer.offerId).then(
        (status) => this.accepted.set(offer.offerId, status),
        () => this.accepted.set(offer.offerId, -1),
      )
    }
  }

  static async connect(origin: string, staff: StaffSession): Promise<Desk> {
    const socket = await SocketClient.open(`${origin.replace(/^http/, 'ws')}/api/intake/socket`, {
      cookie: staff.cookie,
      origin,
    })
    await socket.next((frame) => frame.type === 'workspace')
    return new Desk(socket, origin, staff)
  }

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.origin}${path}`, {
      method,
      headers: {
        ...this.staff.headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  }

  async expectStatus(method: string, path: string, status: number, body?: unknown): Promise<Response> {
    const response = await this.request(method, path, body)
    if (response.status !== status) {
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`)
    }
    return response
  }

  async available(languages: string[] = ['en', 'fr']): Promise<void> {
    await this.expectStatus('PUT', '/api/intake/presence', 204, { state: 'available', languages, skills: [] })
  }

  async away(languages: string[] = ['en', 'fr']): Promise<void> {
    await this.expectStatus('PUT', '/api/intake/presence', 204, { state: 'away', languages, skills: [] })
  }

  autoAccept(): void {
    this.#autoAccept = true
    const latest = this.latestWorkspace()
    if (latest) this.#acceptAll(latest)
  }

  async accept(offerId: string): Promise<number> {
    const response = await this.request('POST', `/api/intake/offers/${offerId}/accept`)
    await response.arrayBuffer()
    return response.status
  }

  async reply(signalId: string, body: string): Promise<void> {
    await this.expectStatus('POST', `/api/intake/signals/${signalId}/messages`, 201, { body })
  }

  /** Ends a conversation and completes its wrap-up, freeing the advocate's capacity. */
  async finish(signalId: string): Promise<void> {
    await this.expectStatus('POST', `/api/intake/signals/${signalId}/end`, 204)
    await this.expectStatus('POST', `/api/intake/signals/${signalId}/wrap-up`, 204, {
      classification: 'information_request',
    })
  }

  /** The workspace of the last workspace frame. */
  latestWorkspace(): Workspace | null {
    for (let i = this.socket.frames.length - 1; i >= 0; i -= 1) {
      const frame = this.socket.frames[i] as { type: string }
      if (frame.type === 'workspace') return (frame as WorkspaceFrame).workspace
    }
    return null
  }

  /** The first offer pushed for `signalId` (already or later). */
  async offerFor(signalId: string, timeout = 30_000): Promise<Workspace['offers'][number]> {
    const frame = await this.socket.next<WorkspaceFrame>(
      (f) =>
        f.type === 'workspace' && (f as WorkspaceFrame).workspace.offers.some((o) => o.signalId === signalId),
      { timeout },
    )
    return frame.workspace.offers.find((offer) => offer.signalId === signalId)!
  }

  close(): void {
    this.socket.close()
  }
}
