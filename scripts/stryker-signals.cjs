// Loaded after StrykerJS's tap hook in each test process (stryker.config.mjs). The hook exits on
// SIGINT, SIGTERM and SIGHUP so that a test run Stryker stops still writes its coverage file. The
// interrupt tests, though, send those signals to their own process (process.emit, without a
// signal number) to check what the CLI does then: only a real signal, which comes with its number,
// ends the process here.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGABRT']) {
  process.removeAllListeners(signal)
  process.on(signal, (_name, number) => {
    if (typeof number === 'number') process.exit(128 + number)
  })
}
