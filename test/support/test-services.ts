import { execFileSync } from 'node:child_process';
import { describe, inject } from 'vitest';
import { findAlertmanager } from './alertmanager-server.js';
import { findNatsServer } from './nats-server.js';
import { findEmulatorJar, findJava } from './pubsub-emulator.js';
import { findRedisServer } from './redis-server.js';

/** The real servers some tests start on 127.0.0.1. */
export type TestService = 'nats-server' | 'prometheus-alertmanager' | 'redis-server' | 'pubsub-emulator';

interface ServiceInfo {
  /** Throws when the service is not on this machine. */
  locate(): unknown;
  /** Debian packages that bring it, when apt can. */
  aptPackages?: string[];
  /** What a person should install, in one phrase. */
  install: string;
}

export const testServices: Record<TestService, ServiceInfo> = {
  'nats-server': {
    locate: findNatsServer,
    aptPackages: ['nats-server'],
    install: 'apt-get install -y nats-server',
  },
  'prometheus-alertmanager': {
    locate: findAlertmanager,
    aptPackages: ['prometheus-alertmanager'],
    install: 'apt-get install -y prometheus-alertmanager',
  },
  'redis-server': {
    locate: findRedisServer,
    aptPackages: ['redis-server'],
    install: 'apt-get install -y redis-server',
  },
  'pubsub-emulator': {
    locate: () => [findEmulatorJar(), findJava()],
    install:
      'the apt packages google-cloud-cli-pubsub-emulator (Google Cloud SDK repository) and openjdk-17-jre-headless, or PUBSUB_EMULATOR_JAR',
  },
};

/**
 * Services to treat as absent (`NOTIFLUX_TEST_WITHOUT=nats-server,redis-server`): their tests are
 * skipped as on a machine without them, and nothing is installed for them.
 */
export function declinedServices(): string[] {
  return (process.env.NOTIFLUX_TEST_WITHOUT ?? '').split(',').map((name) => name.trim());
}

export function isInstalled(service: TestService): boolean {
  if (declinedServices().includes(service)) return false;
  try {
    testServices[service].locate();
    return true;
  } catch {
    return false;
  }
}

/** Whether this process may install Debian packages itself: root, with apt-get on the PATH. */
export function canInstallWithApt(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('apt-get', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Services the global setup could neither find nor install (never under CI=true: it fails instead). */
    missingServices: TestService[];
  }
}

/** Whether the global setup found `service` missing (its tests are then skipped, saying why). */
export function isMissing(service: TestService): boolean {
  return inject('missingServices').includes(service);
}

/**
 * `describe` for tests that need `service`: when it is missing, the suite is reported skipped
 * with its name saying what to install.
 */
export function describeNeeding(service: TestService) {
  const missing = isMissing(service);
  const note = missing
    ? ` [skipped: ${service} is not installed; install it with ${testServices[service].install}]`
    : '';
  return (name: string, body: () => void) => describe.skipIf(missing)(`${name}${note}`, body);
}
