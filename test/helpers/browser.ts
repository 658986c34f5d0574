import type { IncomingMessage } from 'node:http'

/** What a browser keeps between pages: the provider's cookies (one host, paths ignored). */
export class Browser {
  readonly #cookies = new Map<string, string>()

  async get(url: string) {
    return this.#send(url, { method: 'GET' })
  }

  async post(url: string, form: URLSearchParams) {
    return this.#send(url, {
      method: 'POST',
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
  }

  async #send(url: string, init: { method: string; body?: string; headers?: Record<string, string> }) {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, ...(cookie && { cookie }) },
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair?.indexOf('=') ?? -1
      if (pair && at > 0) this.#cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return {
      status: response.status,
      location: response.headers.get('location') ?? '',
      body: await response.text(),
    }
  }
}

/** A request's body, as text. */
export async function bodyOf(request: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of request) body += chunk
  return body
}
