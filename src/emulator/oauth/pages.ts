// The pages a person sees during an OAuth login: the consent form and the error page. Plain HTML
// with no script, so any browser (or a test driving one) works; every value from a request is escaped.
import type {UserRecord, WorkspaceRecord} from '../records.js'
import type {Consent} from './authorization-server.js'

const SCOPE_TEXT: Record<string, string> = {
  'workspace:admin': 'Manage the workspace: its projects, databases and connections',
  offline_access: 'Stay signed in: refresh the access when it expires',
}

/** Headers for every page: never cached, never framed (no clickjacking of the Approve button). */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // No form-action: browsers apply it to the redirect after the form, which goes to the client.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a202c}
h1{font-size:1.4rem}code{background:#edf2f7;padding:0 .2rem}fieldset{border:1px solid #cbd5e0;margin:1rem 0}
.actions{display:flex;gap:1rem;margin-top:1.5rem}button{font-size:1rem;padding:.5rem 1.2rem;cursor:pointer}
#approve{background:#2b6cb0;color:#fff;border:0}.muted{color:#4a5568;font-size:.9rem}`

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`
}

function workspaceChoice(workspaces: readonly WorkspaceRecord[]): string {
  if (workspaces.length === 1) return `<p>Workspace: <strong>${escapeHtml(workspaces[0].name)}</strong></p>`
  const options = workspaces
    .map(
      (workspace, index) =>
        `<label><input type="radio" name="workspace" value="${escapeHtml(workspace.id)}"${index === 0 ? ' checked' : ''}> ${escapeHtml(workspace.name)} <span class="muted">(${escapeHtml(workspace.id)})</span></label><br>`,
    )
    .join('\n')
  return `<fieldset>\n<legend>Workspace</legend>\n${options}\n</fieldset>`
}

export function consentPage(consent: Consent, user: UserRecord): string {
  const {request} = consent
  const scopes = request.scope.map((scope) => `<li><code>${escapeHtml(scope)}</code>: ${escapeHtml(SCOPE_TEXT[scope] ?? scope)}</li>`).join('\n')
  return page(
    `Authorize ${request.clientId}`,
    `<h1>Authorize <code id="client">${escapeHtml(request.clientId)}</code></h1>
<p>The application <strong>${escapeHtml(request.clientId)}</strong> asks for access to your Prisma account on this emulator.</p>
<p class="muted">Signed in as ${escapeHtml(user.name)} (${escapeHtml(user.email)}).</p>
<p>It asks to:</p>
<ul id="scopes">
${scopes}
</ul>
<form method="post" action="/authorize">
<input type="hidden" name="csrf_token" value="${escapeHtml(consent.csrfToken)}">
${workspaceChoice(consent.workspaces)}
<p class="muted">Your answer goes back to <code>${escapeHtml(new URL(request.redirectUri).origin)}</code>.</p>
<div class="actions">
<button type="submit" id="approve" name="decision" value="approve">Approve</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button>
</div>
</form>`,
  )
}

export function errorPage(message: string): string {
  return page('Authorization error', `<h1>Authorization error</h1>\n<p id="error">${escapeHtml(message)}</p>\n<p class="muted">Nothing was sent back to the application. Start the login again from it.</p>`)
}
