import type { ApiErrorCode } from '../../common/contracts/errors.ts'

export interface FieldProblem {
  path: string
  code: string
  message: string
  values?: Record<string, string | number>
}

/** An error answered by the API, with its message already in the interface language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | 'network',
    message: string,
    readonly fields: FieldProblem[] = [],
    readonly requestId?: string,
  ) {
    super(message)
  }

  /** The problem with one field (of the body, or of the query string), if the server named it. */
  field(path: string): FieldProblem | undefined {
    return this.fields.find((field) => field.path === path || field.path === `query.${path}`)
  }
}

export interface ApiClient {
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>
}

/**
 * A JSON client for the Relais API. The CSRF token lives in memory only and goes with every
 * state-changing request; the interface language goes with every request, so errors come back in it.
 */
export function createApiClient({
  language,
  csrfToken,
  networkMessage,
}: {
  language: () => string
  csrfToken: () => string | null
  networkMessage: () => string
}): ApiClient {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language() }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const token = csrfToken()
    if (method !== 'GET' && token) headers['x-csrf-token'] = token
    let response: Response
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
      })
    } catch {
      throw new ApiError(0, 'network', networkMessage())
    }
    const payload = await response.json().catch(() => null)
    if (!response.ok) {
      throw new ApiError(
        response.status,
        payload?.code ?? 'internal_error',
        payload?.message ?? networkMessage(),
        payload?.fields ?? [],
        payload?.requestId,
      )
    }
    return payload as T
  }
  return {
    get(path, query) {
      const params = new URLSearchParams()
      for (const [key, value] of Object.entries(query ?? {})) {
        if (value !== undefined && value !== '') params.set(key, String(value))
      }
      const search = params.toString()
      return call('GET', search ? `${path}?${search}` : path)
    },
    send(method, path, body) {
      return call(method, path, body)
    },
  }
}
