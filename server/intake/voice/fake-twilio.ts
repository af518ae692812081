import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request Twilio's REST API received. */
export interface TwilioApiRequest {
  method: string
  path: string
  /** The decoded `user:password` of its basic authorization. */
  auth: string | null
  form: Record<string, string>
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

let sidCounter = 0
const newSid = (prefix: string) =>
  `${prefix}${(Date.now() * 1000 + ++sidCounter).toString(16).padStart(32, '0')}`

/**
 * A stand-in for Twilio's REST API on a loopback port, for tests: answers the Calls and Recordings
 * resources as Twilio does (201 with the call's JSON, 200 on an update, 204 on a delete), records
 * every request, and refuses what `refuse` names with Twilio's error shape.
 */
export class FakeTwilio {
  readonly requests: TwilioApiRequest[] = []
  /** Recording SIDs answered 404 (Twilio no longer has them) or 500. */
  readonly missing = new Set<string>()
  readonly failing = new Set<string>()
  #server: Server | null = null

  get base(): string {
    const address = this.#server?.address() as AddressInfo
    return `http://127.0.0.1:${address.port}`
  }

  async start(): Promise<this> {
    this.#server = createServer((request, response) => {
      void bodyOf(request).then((raw) => {
        const header = request.headers.authorization ?? ''
        const auth = header.startsWith('Basic ')
          ? Buffer.from(header.slice(6), 'base64').toString('utf8')
          : null
        const path = new URL(request.url ?? '/', 'http://x').pathname
        this.requests.push({
          method: request.method ?? '',
          path,
          auth,
          form: Object.fromEntries(new URLSearchParams(raw)),
        })
        const json = (status: number, body: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' })
          response.end(JSON.stringify(body))
        }
        const recording = /\/Recordings\/([^/]+)\.json$/.exec(path)
        if (request.method === 'DELETE' && recording) {
          const sid = recording[1]!
          if (this.missing.has(sid)) return json(404, { code: 20404, message: 'not found', status: 404 })
          if (this.failing.has(sid)) return json(500, { code: 20500, message: 'internal', status: 500 })
          response.writeHead(204)
          return response.end()
        }
        if (request.method === 'POST' && /\/Calls\.json$/.test(path)) {
          return json(201, { sid: newSid('CA'), status: 'queued' })
        }
        const call = /\/Calls\/([^/]+)\.json$/.exec(path)
        if (request.method === 'POST' && call) return json(200, { sid: call[1], status: 'in-progress' })
        json(404, { code: 20404, message: 'not found', status: 404 })
      })
    })
    this.#server.listen(0, '127.0.0.1')
    await once(this.#server, 'listening')
    return this
  }

  /** The requests to one resource: 'Calls.json', 'Calls/<sid>.json', 'Recordings/<sid>.json'. */
  to(resource: string): TwilioApiRequest[] {
    return this.requests.filter((request) => request.path.endsWith(`/${resource}`))
  }

  async stop(): Promise<void> {
    const server = this.#server
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
