// The loopback redirect (RFC 8252 §7.3): a node:http listener on 127.0.0.1, on a port the system
// picks, that takes the browser's one request to /auth/callback and holds it open until the
// login knows how it ended, so the page the browser shows tells the truth.
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {CALLBACK_PATH, redirectUriFor} from './authorize.js'

export interface Page {
  ok: boolean
  title: string
  message: string
}

export interface Callback {
  params: URLSearchParams
  /** Answers the browser with a small page; the listener takes no other callback after this one. */
  answer(page: Page): Promise<void>
}

export interface CallbackListener {
  port: number
  redirectUri: string
  /** The first request to the callback path. */
  readonly callback: Promise<Callback>
  close(): Promise<void>
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)

export function renderPage(page: Page): string {
  const colour = page.ok ? '#16794c' : '#b42318'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>prisma-mgmt: ${escapeHtml(page.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2937}h1{font-size:1.4rem;color:${colour}}</style>
</head><body><h1 id="${page.ok ? 'success' : 'failure'}">${escapeHtml(page.title)}</h1><p>${escapeHtml(page.message)}</p></body></html>
`
}

function send(response: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8'): Promise<void> {
  return new Promise((resolve) => {
    response.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      // Nothing on the page runs or loads; it only reports.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'referrer-policy': 'no-referrer',
      connection: 'close',
    })
    response.end(body, () => resolve())
  })
}

export async function listenForCallback(): Promise<CallbackListener> {
  let deliver!: (callback: Callback) => void
  const callback = new Promise<Callback>((resolve) => {
    deliver = resolve
  })
  let taken = false
  let port = 0

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    // Only this machine's browser talking to this port: a page elsewhere that rebinds a name to 127.0.0.1 sends its own Host.
    const host = (request.headers.host ?? '').toLowerCase()
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      void send(response, 400, 'Bad request\n', 'text/plain; charset=utf-8')
      return
    }
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`)
    if (url.pathname !== CALLBACK_PATH || request.method !== 'GET') {
      void send(response, 404, 'Not found\n', 'text/plain; charset=utf-8')
      return
    }
    if (taken) {
      void send(response, 409, renderPage({ok: false, title: 'This login has already finished', message: 'Return to your terminal to see how it went.'}))
      return
    }
    taken = true
    deliver({params: url.searchParams, answer: (page) => send(response, page.ok ? 200 : 400, renderPage(page))})
  }

  const server = createServer(handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({host: '127.0.0.1', port: 0}, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  return {
    port,
    redirectUri: redirectUriFor(port),
    callback,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // A browser keeps idle connections open; they must not keep the command running.
        server.closeAllConnections()
      }),
  }
}
