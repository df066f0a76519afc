// Prisma's query-plan executor keeps each request's logger in the OpenTelemetry context, and without
// a context manager registered by the host that context never holds anything: every request then
// fails with "No active logger found", which Prisma Client reports as P6000 "Internal Server Error".

import {AsyncLocalStorage} from 'node:async_hooks'

import {type Context, type ContextManager, ROOT_CONTEXT, context} from '@opentelemetry/api'

/** Carries the active context along async calls, as OpenTelemetry's context API expects of its host. */
class AsyncLocalContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>()

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT
  }

  bind<T>(active: Context, target: T): T {
    if (typeof target !== 'function') return target
    const run = (thisArg: unknown, args: unknown[]): unknown => this.#storage.run(active, () => Reflect.apply(target, thisArg, args))
    return function (this: unknown, ...args: unknown[]) {
      return run(this, args)
    } as T
  }

  disable(): this {
    this.#storage.disable()
    return this
  }

  enable(): this {
    return this
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    active: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(active, () => Reflect.apply(fn, thisArg, args) as ReturnType<F>)
  }
}

/** Registers the context manager process-wide; false when another one was registered first. */
export function registerOtelContextManager(): boolean {
  return context.setGlobalContextManager(new AsyncLocalContextManager())
}
