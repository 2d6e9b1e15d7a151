// A worker whose script throws while it runs.
function fail() {
  throw new RangeError("the worker script failed");
}
fail();
