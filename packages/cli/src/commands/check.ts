import { createDispatcher, formatIssue, type ManifestError } from '@notiflux/dispatch';
import { type Command, exitCode } from '../command.js';
import { commonHelp } from '../command-line.js';
import { loadManifestFlags, manifestHelp, manifestOptions } from '../manifest-input.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'validate Flux Provider, Alert and Secret manifests',
  help: `Usage: notiflux check -f FILE|DIR… [--json]

Loads the manifests and validates them as the dispatcher would before taking events: unknown
fields, bad regexes and CEL, missing Providers and Secrets, specs a provider refuses. Prints every
problem with its file and line; exit 1 if there is any.

${manifestHelp}
${commonHelp}

Example:
  notiflux check -f ./flux/alerts/`,
  options: { ...manifestOptions },
  async run({ flags, out }) {
    try {
      const manifests = await loadManifestFlags(flags);
      await createDispatcher(manifests).close();
      const counts = {
        providers: manifests.providers.length,
        alerts: manifests.alerts.length,
        secrets: manifests.secrets.length,
      };
      if (out.json) out.data({ ok: true, ...counts });
      else {
        out.line(
          `${out.paint('green', 'ok')}: ${counts.providers} Providers, ${counts.alerts} Alerts, ${counts.secrets} Secrets`,
        );
      }
      return exitCode.done;
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ManifestError') throw error;
      const { issues } = error as ManifestError;
      if (out.json) out.data({ ok: false, issues });
      for (const issue of issues) out.note(formatIssue(issue));
      out.note(out.paintError('red', `${issues.length} problem${issues.length === 1 ? '' : 's'}`));
      return exitCode.failed;
    }
  },
};
