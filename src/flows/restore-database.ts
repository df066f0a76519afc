// Restoring a database: the POST (an interrupt waits for its answer, so the user learns whether the
// restore started), then, with --wait, polling until the target is `ready` again.
import type {RestoredDatabase} from '../api/contract.js'
import type {ManagementApi} from '../api/management-api.js'
import type {Delivery} from './create-and-deliver.js'
import {watchInterrupts} from './interrupts.js'
import {waitUntilReady} from './wait-until-ready.js'

export interface RestoreAndWait extends Delivery {
  api: ManagementApi
  targetId: string
  source: {type: 'backup'; databaseId: string; backupId: string}
}

export async function restoreAndWait(options: RestoreAndWait): Promise<RestoredDatabase> {
  const {api, spinner, targetId, source} = options
  const interrupts = watchInterrupts(options.say)
  interrupts.holding = true
  try {
    let restored: RestoredDatabase
    try {
      restored = await api.restoreDatabase(targetId, source)
    } finally {
      interrupts.holding = false
    }
    if (interrupts.signal.aborted) throw interrupts.error(`after the restore of database ${targetId} started; it goes on (check it with \`prisma-mgmt db show ${targetId}\`)`)
    if (options.wait) {
      const ready = await waitUntilReady(api, restored, {
        timeoutSeconds: options.timeoutSeconds,
        spinner,
        signal: interrupts.signal,
        sleep: options.sleep,
        failedTo: 'restore',
      })
      restored = {...restored, status: ready.status}
    }
    spinner.succeed(`Restored database ${restored.name} (${restored.id}) from backup ${source.backupId}; ${restored.status}`)
    return restored
  } catch (error) {
    spinner.fail()
    throw error
  } finally {
    interrupts.dispose()
  }
}
