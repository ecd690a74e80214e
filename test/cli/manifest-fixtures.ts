import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hookKey = 'hook-key-4d2c9e-secret';

/** A generic-hmac Provider posting to `address`, its Secret, an Alert on apps' Kustomizations and one on HelmRelease errors. */
export function alertManifests(address: string): string {
  return `apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: hook
  namespace: flux-system
spec:
  type: generic-hmac
  address: ${address}
  secretRef:
    name: hook-key
---
apiVersion: v1
kind: Secret
metadata:
  name: hook-key
  namespace: flux-system
stringData:
  token: ${hookKey}
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: apps
  namespace: flux-system
spec:
  providerRef:
    name: hook
  eventSources:
    - kind: Kustomization
      name: '*'
      namespace: apps
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: infra-errors
  namespace: flux-system
spec:
  providerRef:
    name: hook
  eventSeverity: error
  eventSources:
    - kind: HelmRelease
      name: '*'
`;
}

/** A fresh directory holding the given files. */
export function manifestDirectory(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'notiflux-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}
