// undici is loaded on the first request, not at activation: evaluating it is most of the
// extension's start-up time, and many sessions never talk to a device.
import type * as Undici from 'undici';

let loaded: typeof Undici | undefined;

export function undici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('undici') as typeof Undici);
}
