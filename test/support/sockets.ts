import WebSocket from 'ws'

/** A WebSocket client that keeps every frame it received, for tests to wait on. */
export class SocketClient {
  readonly frames: Record<string, unknown>[] = []
  readonly socket: WebSocket
  closeCode: number | null = null
  readonly #waiters = new Set<() => void>()

  private constructor(socket: WebSocket) {
    this.socket = socket
    socket.on('message', (raw) => {
      this.frames.push(JSON.parse(String(raw)) as Record<string, unknown>)
      for (const wake of this.#waiters) wake()
    })
    socket.on('close', (code) => {
      this.closeCode = code
      for (const wake of this.#waiters) wake()
    })
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SocketClient> {
    const socket = new WebSocket(url, { headers })
    const client = new SocketClient(socket)
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
      socket.once('unexpected-response', (request, response) => {
        // Refused before the upgrade: drop the connection so the server is not kept waiting on it.
        request.destroy()
        reject(new Error(`socket refused with ${response.statusCode}`))
      })
    })
    return client
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame))
  }

  /** The first frame received (already or later) that matches, after `from` frames. */
  async next<T = Record<string, unknown>>(
    match: (frame: Record<string, unknown>) => boolean,
    { from = 0, timeout = 10_000 } = {},
  ): Promise<T> {
    const deadline = Date.now() + timeout
    for (;;) {
      const found = this.frames.slice(from).find(match)
      if (found) return found as T
      if (this.closeCode !== null)
        throw new Error(`socket closed (${this.closeCode}) before a matching frame`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching frame within ${timeout} ms: ${JSON.stringify(this.frames)}`)
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake)
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(wake, left)
        this.#waiters.add(wake)
      })
    }
  }

  async closed(): Promise<number> {
    if (this.closeCode !== null) return this.closeCode
    return new Promise((resolve) => this.socket.once('close', (code) => resolve(code)))
  }

  close(): void {
    this.socket.close()
  }
}
