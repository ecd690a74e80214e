// Runs before every test file: tests may reach 127.0.0.1 / ::1 and nothing else.
import { installLoopbackGuard } from './loopback-guard.js';

for (const name of [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
]) {
  delete process.env[name];
}
// The Google auth library otherwise probes the cloud metadata server.
process.env.METADATA_SERVER_DETECTION = 'none';

installLoopbackGuard();
