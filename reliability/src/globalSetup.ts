import { resetParts } from './recorder.js';
import { writeReport } from './report.js';

// The reliability project's global setup: a clean slate before, the report after.
export default function setup(): () => void {
  resetParts();
  return () => {
    writeReport();
  };
}
