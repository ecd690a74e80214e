// Prints the closing line CI reads, `N passed, N failed`, from vitest's JSON report.
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? '.vitest/report.json';
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch (error) {
  console.error(`no vitest report at ${path}: ${error.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// A test file that fails to load has no failed test in it, but it is a failure: count it as one.
const brokenFiles = report.testResults.filter(
  (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
).length;
const failed = report.numFailedTests + brokenFiles;
const skipped = report.numPendingTests + report.numTodoTests;
// Skipped tests are those of a service this machine lacks; their suite names say what to install.
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(report.success && failed === 0 ? 0 : 1);
