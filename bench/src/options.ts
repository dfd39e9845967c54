/** Run-wide settings parsed from the command line. */
export interface BenchOptions {
  /** Short runs for a smoke test. */
  quick: boolean;
  /** Repetitions of each measurement (medians are taken over these). */
  runs: number;
  /** Only these sections (ids), or all when empty. */
  only: string[];
}
