// Loaded after StrykerJS's tap hook in each test process (stryker.config.mjs): the hook exits on
// SIGINT, SIGTERM and SIGHUP, but the interrupt tests send those to their own process
// (process.emit) to check what the CLI does then. Their listeners, not the hook's, must answer.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGABRT']) process.removeAllListeners(signal)
