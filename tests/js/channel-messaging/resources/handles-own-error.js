// A worker that handles its own uncaught exception with onerror (an
// OnErrorEventHandler: message, source, line, column, error), so that it
// never reaches the Worker object, and tells its parent what it saw.
onerror = (message, source, line, column, error) => {
  postMessage({ message, source: source.split("/").pop(), line, column, isError: error instanceof Error });
  return true;
};
throw new TypeError("handled in the worker");
