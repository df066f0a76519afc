// The database a command works on: the argument, else the default database of --project, else
// (on a terminal) a choice of project, then database. Off a terminal a missing id is a usage
// error naming the argument.
import {collect} from '../api/collect.js'
import type {ManagementApi} from '../api/management-api.js'
import {UsageError} from '../errors.js'
import {alignColumns, type Prompter} from '../io/prompts.js'

export interface PickDatabase {
  api: () => Promise<ManagementApi>
  prompter: Prompter
  /** A person can be asked (a terminal, not CI, not a machine format). */
  canAsk: boolean
}

export async function pickDatabase({api, prompter, canAsk}: PickDatabase, argument: string | undefined, projectId?: string): Promise<string> {
  if (argument?.trim()) return argument.trim()
  const client = await api()
  if (projectId) {
    const databases = await collect(client.listDatabases({projectId}))
    const chosen = databases.find((d) => d.isDefault) ?? (databases.length === 1 ? databases[0] : undefined)
    if (!chosen) {
      throw new UsageError(
        databases.length === 0 ? `Project ${projectId} has no database.` : `Project ${projectId} has no default database.`,
        databases.length === 0 ? `Create one with \`prisma-mgmt db create --project ${projectId}\`.` : `Pass the database id (see \`prisma-mgmt db list --project ${projectId}\`).`,
      )
    }
    return chosen.id
  }
  if (!canAsk) {
    throw new UsageError('Missing the database id argument (db-id).', 'Pass a database id (see `prisma-mgmt db list`), or --project <id> for its default database.')
  }
  const projects = await collect(client.listProjects({}))
  if (projects.length === 0) throw new UsageError('There are no projects yet.', 'Create one with `prisma-mgmt projects create`.')
  let project = projects[0]
  if (projects.length > 1) {
    const names = alignColumns(projects.map((p) => [p.name, p.id, p.defaultRegion ?? '']))
    project = await prompter.choose('Project', projects.map((p, i) => ({name: names[i], value: p})))
  }
  const databases = await collect(client.listDatabases({projectId: project.id}))
  if (databases.length === 0) {
    throw new UsageError(`Project ${project.name} (${project.id}) has no database.`, `Create one with \`prisma-mgmt db create --project ${project.id}\`.`)
  }
  if (databases.length === 1) return databases[0].id
  const names = alignColumns(databases.map((d) => [d.name, d.id, d.region?.id ?? '', d.status, d.isDefault ? '(default)' : '']))
  return prompter.choose('Database', databases.map((d, i) => ({name: names[i], value: d.id})))
}
