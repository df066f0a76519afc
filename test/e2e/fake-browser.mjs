#!/usr/bin/env node
// Stands in for a browser in the login tests (BROWSER="node fake-browser.mjs"): it gets the URL
// prisma-mgmt opens and does what FAKE_BROWSER_ACTION says, writing what it saw to FAKE_BROWSER_LOG.
// approve / deny: ask the test server to decide at once (?auto=), then follow its redirect to the
// CLI's callback; wrong-state: the same with another state; record: only write the URL down.
import {appendFileSync} from 'node:fs'

const [url] = process.argv.slice(2)
const action = process.env.FAKE_BROWSER_ACTION ?? 'approve'
const log = process.env.FAKE_BROWSER_LOG
const note = (entry) => log && appendFileSync(log, `${JSON.stringify(entry)}\n`)

note({opened: url})
if (action !== 'record') {
  try {
    const authorize = new URL(url)
    authorize.searchParams.set('auto', action === 'deny' ? 'deny' : 'approve')
    const consent = await globalThis.fetch(authorize, {redirect: 'manual'})
    const callback = new URL(consent.headers.get('location'))
    if (action === 'wrong-state') callback.searchParams.set('state', 'not-the-state-of-this-login')
    const page = await globalThis.fetch(callback)
    note({callback: callback.href, status: page.status, page: await page.text()})
  } catch (error) {
    note({error: String(error)})
  }
}
