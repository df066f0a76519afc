// What src/api/transport.ts imports from undici, for the bundle (scripts/bundle.js): undici's
// index also loads fetch, WebSocket, mocks and caches, a third of a command's start-up.
import Agent from 'undici/lib/dispatcher/agent.js'
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js'
import apiRequest from 'undici/lib/api/api-request.js'

export {Agent, EnvHttpProxyAgent}

/** undici's request(url, options) for the way the transport calls it: a URL and always a dispatcher. */
export function request(url, {dispatcher, ...options}) {
  if (!dispatcher) throw new TypeError('the bundled undici request() needs a dispatcher')
  const target = new URL(url)
  return apiRequest.call(dispatcher, {...options, origin: target.origin, path: `${target.pathname}${target.search}`})
}
