#!/usr/bin/env -S node --
// The `--` keeps Node 20 from reading the CLI's own --env-file flag as its own option.
import {existsSync, readFileSync} from 'node:fs'
import module from 'node:module'
import {arch, release} from 'node:os'

// Node 22.1 and later keep V8's compiled code of the modules between runs (in the OS's temp folder).
module.enableCompileCache?.()

/** What oclif prints for exactly `--version` or `--help`, without loading it; undefined when only oclif can say. */
function quickAnswer(args) {
  if (args.length !== 1 || (args[0] !== '--version' && args[0] !== '--help')) return undefined
  // Debug output, forced colour and a set width change what oclif prints.
  if (process.env.DEBUG || process.env.FORCE_COLOR !== undefined || process.env.OCLIF_COLUMNS) return undefined
  // oclif calls WSL "wsl", which it detects by these two mentioning Microsoft.
  if (process.platform === 'linux' && /microsoft/i.test(`${release()} ${readOptional('/proc/version')}`)) return undefined
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const userAgent = `${pkg.name}/${pkg.version} ${process.platform}-${arch() === 'ia32' ? 'x86' : arch()} node-${process.version}`
  if (args[0] === '--version') return `${userAgent}\n`
  // The cached help is oclif's off a terminal; on one, oclif wraps to its width and may colour it.
  if (process.stdout.isTTY) return undefined
  const help = JSON.parse(readOptional(new URL('../dist/root-help.json', import.meta.url)) || 'null')
  return help?.platform === process.platform ? help.text.split('\0').join(userAgent) : undefined
}

function readOptional(file) {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/**
 * With DEBUG set, oclif's debug lines echo argv (and a failure prints its stack): every token is
 * masked in all that reaches stdout and stderr. src/auth/debug-output.ts adds tokens learnt later.
 */
function maskSecretsInOutput(args) {
  const secrets = new Set()
  globalThis[Symbol.for('prisma-mgmt.debug-secrets')] = secrets
  const add = (value) => {
    const secret = value?.trim()
    if (secret && secret.length >= 4) secrets.add(secret)
  }
  add(process.env.PRISMA_SERVICE_TOKEN)
  // --token and any --<name>-token that takes a value (not the boolean --with-token).
  const tokenFlag = /^--(?!with-token\b)(?:[a-z-]+-)?token(?:=|$)/
  args.forEach((arg, i) => {
    if (!tokenFlag.test(arg)) return
    add(arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1])
  })
  const mask = (text) => {
    // Longest first, so a token holding another is masked whole; JSON and util.inspect escape \ and quotes.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
      for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) text = text.split(form).join('***')
    }
    return text
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream)
    stream.write = (chunk, ...rest) => {
      if (secrets.size === 0) return write(chunk, ...rest)
      if (typeof chunk === 'string' && (typeof rest[0] !== 'string' || /^utf-?8$/i.test(rest[0]))) return write(mask(chunk), ...rest)
      if (chunk instanceof Uint8Array) {
        const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8')
        const masked = mask(text)
        if (masked !== text) return write(Buffer.from(masked), ...rest)
      }
      return write(chunk, ...rest)
    }
  }
}

/** A plain command line run without oclif (src/fast/run.ts); false when oclif must run it. */
async function runFast(args) {
  // Built by scripts/bundle.js (a build of tsc alone has none); DEBUG output is oclif's.
  const fast = new URL('../dist/fast/index.js', import.meta.url)
  if (process.env.DEBUG || !existsSync(fast)) return false
  const {runFast} = await import(fast.href)
  return runFast(args, new URL('../', import.meta.url))
}

const answer = quickAnswer(process.argv.slice(2))
if (answer === undefined) {
  if (process.env.DEBUG) maskSecretsInOutput(process.argv.slice(2))
  if (!(await runFast(process.argv.slice(2)))) {
    // dist/cli.js is the bundled oclif the bundled commands share; a build of tsc alone has neither.
    const bundled = new URL('../dist/cli.js', import.meta.url)
    const {execute} = await import(existsSync(bundled) ? bundled.href : '@oclif/core')
    await execute({dir: import.meta.url})
  }
} else {
  // As oclif does: a reader that went away (`| head`) is not an error.
  process.stdout.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error
  })
  process.stdout.write(answer)
}
