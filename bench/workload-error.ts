// A workload that did not see what the farm serves: the measurement would be meaningless, so the bench stops.
// Its own file so the floor workload can use it without loading the engine.

export class BenchWorkloadError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'BenchWorkloadError';
  }
}
