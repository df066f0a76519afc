// Deleting a project, a database or a connection: look it up (a typo fails with "not found" before
// any question), ask for its name on a terminal or require --yes elsewhere, then delete.
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
  yes: boolean
  canAsk: boolean
  prompter: Prompter
  get: () => Promise<R>
  remove: (resource: R) => Promise<void>
}

export async function confirmAndDelete<R extends Deletable>(flow: ConfirmDelete<R>): Promise<R> {
  const resource = await flow.get()
  if (!flow.yes) {
    if (!flow.canAsk) {
      throw new UsageError(`Refusing to delete ${flow.what} ${resource.id} without confirmation.`, 'Pass --yes to delete without a prompt.')
    }
    const question = safe`This deletes ${flow.what} ${resource.name} (${resource.id}) for good. Type its name to confirm:`
    if (!(await flow.prompter.confirmName(question, resource.name))) {
      throw new UsageError(`The name did not match; ${flow.what} ${resource.id} was not deleted.`)
    }
  }
  await flow.remove(resource)
  return resource
}
