// Deleting a project, a database, a connection, a bucket (or revoking an integration): look it up
// (a typo fails with "not found" before any question), ask for its name on a terminal or require
// --yes elsewhere, then delete.
import {UsageError} from '../errors.js'
import type {Prompter} from '../io/prompts.js'
import {safe} from '../output/safe-text.js'

export interface Deletable {
  id: string
  name: string
}

export interface ConfirmDelete<R extends Deletable> {
  /** `project`, `database`, `connection`. */
  what: string
  /** `revoke` where access ends rather than a thing; `delete` by default. */
  verb?: 'delete' | 'revoke'
  /** A sentence on what goes with it, said in the question and the refusal: `Every object in it is deleted too.` */
  consequence?: string
  yes: boolean
  canAsk: boolean
  prompter: Prompter
  get: () => Promise<R>
  remove: (resource: R) => Promise<void>
}

export async function confirmAndDelete<R extends Deletable>(flow: ConfirmDelete<R>): Promise<R> {
  const resource = await flow.get()
  const verb = flow.verb ?? 'delete'
  const also = flow.consequence ? ` ${flow.consequence}` : ''
  if (!flow.yes) {
    if (!flow.canAsk) {
      throw new UsageError(`Refusing to ${verb} ${flow.what} ${resource.id} without confirmation.${also}`, `Pass --yes to ${verb} without a prompt.`)
    }
    const question = safe`This ${verb}s ${flow.what} ${resource.name} (${resource.id}) for good.` + `${also} Type its name to confirm:`
    if (!(await flow.prompter.confirmName(question, resource.name))) {
      throw new UsageError(`The name did not match; ${flow.what} ${resource.id} was not ${verb}d.`)
    }
  }
  await flow.remove(resource)
  return resource
}
