// Arguments several commands share, checked while oclif parses them: before any request.
import {Args} from '@oclif/core'

import {isUsableId} from './api/path.js'
import {UsageError} from './errors.js'

/** A project, database or connection id; one that cannot be a path segment is a usage error naming the argument. */
export const idArg = Args.custom<string>({
  async parse(input, context) {
    if (isUsableId(input)) return input
    throw new UsageError(
      `Invalid ${context.token.arg} argument ${JSON.stringify(input)}: an id is never empty, blank, "." or "..".`,
      'Pass an id as the `list` commands show it.',
    )
  },
})
