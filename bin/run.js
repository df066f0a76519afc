#!/usr/bin/env -S node --
// The `--` keeps Node 20 from reading the CLI's own --env-file flag as its own option.
import {execute} from '@oclif/core'

await execute({dir: import.meta.url})
