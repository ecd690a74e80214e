// Runs once before the test files: makes sure the real servers some tests start are here.
// As root with apt-get it installs what is missing (saying so); under CI=true a service still
// missing fails the run; elsewhere its tests are skipped, with one line naming what to install.
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import {
  canInstallWithApt,
  declinedServices,
  isInstalled,
  type TestService,
  testServices,
} from './test-services.js';

export default function setup(project: TestProject): void {
  const services = Object.keys(testServices) as TestService[];
  let missing = services.filter((service) => !isInstalled(service));
  const installable = missing
    .filter((service) => !declinedServices().includes(service))
    .flatMap((service) => testServices[service].aptPackages ?? []);
  if (installable.length > 0 && canInstallWithApt()) {
    console.log(
      `notiflux tests: installing ${installable.join(', ')} with apt-get (needed by the tests, not found)`,
    );
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', '-qq', ...installable], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch (error) {
      console.error(`notiflux tests: apt-get failed: ${(error as Error).message}`);
    }
    missing = missing.filter((service) => !isInstalled(service));
  }
  if (missing.length > 0 && process.env.CI === 'true') {
    throw new Error(
      `CI=true and these test services are missing: ${missing
        .map((service) => `${service} (${testServices[service].install})`)
        .join('; ')}`,
    );
  }
  for (const service of missing) {
    console.warn(
      `notiflux tests: skipping the tests that need ${service}: not installed; install it with ${testServices[service].install}`,
    );
  }
  project.provide('missingServices', missing);
}
