/** What `step` answers to end the stream (the consumer is told it is done). */
export const END_STREAM: unique symbol = Symbol('end of stream');

/**
 * Each event of `source` through `step`: its answer is passed on, `null`/`undefined` skips the
 * event, END_STREAM ends the stream. One plain iterator instead of a chain of operators (each a
 * Repeater with its own buffers and promises), because a live event is fanned out to every
 * subscription of the process at once. `return()` ends the source at once, also while a `next()`
 * is waiting for an event, so a client that leaves does not keep a subscription until the next one.
 */
export function eventStream<Event, Value>(
  source: AsyncIterable<Event>,
  step: (event: Event) => Value | null | undefined | typeof END_STREAM | Promise<Value | null | undefined | typeof END_STREAM>,
): AsyncGenerator<Value> {
  const events = source[Symbol.asyncIterator]();
  let ended = false;
  const end = async (): Promise<IteratorResult<Value>> => {
    if (!ended) {
      ended = true;
      await events.return?.();
    }
    return { done: true, value: undefined };
  };
  const stream: AsyncGenerator<Value> = {
    async next() {
      while (!ended) {
        const event = await events.next();
        if (event.done) {
          ended = true;
          return { done: true, value: undefined };
        }
        if (ended) break;
        const value = await step(event.value);
        if (value === END_STREAM) return end();
        if (value !== null && value !== undefined && !ended) return { done: false, value };
      }
      return { done: true, value: undefined };
    },
    return: () => end(),
    async throw(error: unknown) {
      await end();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
    // Node's AsyncGenerator type also wants this (explicit resource management).
    async [Symbol.asyncDispose]() {
      await end();
    },
  } as AsyncGenerator<Value>;
  return stream;
}
