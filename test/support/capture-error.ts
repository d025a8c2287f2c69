// Runs an action that must throw and returns what it threw, so a test can assert on the error's fields.

export function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
