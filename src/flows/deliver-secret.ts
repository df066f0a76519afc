// A request whose answer holds a secret the API shows only once: a minted or rotated connection, a
// service token, a bucket key. An interrupt (Ctrl-C, SIGTERM, SIGHUP) while the request is on its
// way does not lose the answer: the command waits for it, delivers it as the flags ask, then ends
// with the signal's exit code (130, 143, 129); a second interrupt stops at once. With json or yaml
// the one document is then the answer with an `error` member.
//
// A command adopts it by moving its request and its human output into one call, and prints json or
// yaml itself once the call returns (when it throws, the error's document holds the answer):
//   const key = await deliverSecret({say, send: () => api.createKey(...), deliver: (key) => show(key), kept: (key) => `Key ${key.id} WAS created; …`})
//   return this.machine ? this.document(key, () => '') : key
import {DeliveredError} from '../errors.js'
import {watchInterrupts} from './interrupts.js'

export interface SecretRequest<T extends object> {
  /** A line on stderr (that the interrupt was heard, and what happens next). */
  say: (line: string) => void
  /** The request whose answer holds the secret. Its failure is the command's (nothing to deliver). */
  send: () => Promise<T>
  /**
   * Shows or writes the secret for people (tables, url and env lines, an env file); nothing in json
   * or yaml. A throw must come after the secret was shown: it is reported beside the answer.
   */
  deliver: (answer: T) => Promise<void>
  /** What became of the answer, said after an interrupt: `Connection ci (c_1) WAS created; …`. */
  kept: (answer: T) => string
}

export async function deliverSecret<T extends object>(request: SecretRequest<T>): Promise<T> {
  const interrupts = watchInterrupts(request.say)
  interrupts.holding = true
  let answer: T
  try {
    answer = await request.send()
  } catch (error) {
    interrupts.dispose()
    throw error
  }
  // From here an interrupt is noted and ends the command once the answer is delivered.
  interrupts.holding = false
  let failure: unknown
  try {
    await request.deliver(answer)
  } catch (error) {
    failure = error
  } finally {
    interrupts.dispose()
  }
  // A delivery that failed says what to do with the secret; that matters more than the interrupt.
  if (failure !== undefined) throw new DeliveredError(answer, failure)
  if (interrupts.received) throw new DeliveredError(answer, interrupts.error("while waiting for the API's answer"), request.kept(answer))
  return answer
}
