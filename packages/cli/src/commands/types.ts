import { providerCatalog } from '@notiflux/providers';
import { type Command, exitCode } from '../command.js';
import { commonHelp } from '../command-line.js';

export const typesCommand: Command = {
  name: 'types',
  summary: 'list every provider type, its kind and the SDK it needs',
  help: `Usage: notiflux types [--json]

Lists every built-in provider type with its kind and the optional package (SDK) it loads;
a type without one needs nothing beyond notiflux.

${commonHelp}

Example:
  notiflux types --json | jq -r '.[] | select(.kind == "chat") | .type'`,
  options: {},
  async run({ out }) {
    if (out.json) {
      out.data(providerCatalog);
      return exitCode.done;
    }
    const typeWidth = Math.max(...providerCatalog.map((entry) => entry.type.length));
    const kindWidth = Math.max(...providerCatalog.map((entry) => entry.kind.length));
    out.line(out.paint('bold', `${'TYPE'.padEnd(typeWidth)}  ${'KIND'.padEnd(kindWidth)}  SDK`));
    for (const entry of providerCatalog) {
      const sdks = entry.sdks
        .map((sdk) => (sdk.when ? `${sdk.package} (${sdk.when})` : sdk.package))
        .join(', ');
      out.line(`${entry.type.padEnd(typeWidth)}  ${entry.kind.padEnd(kindWidth)}  ${sdks || '-'}`);
    }
    return exitCode.done;
  },
};
