// Which device and source a document is checked against. Pure (no vscode), so it is unit-tested.
//
// `.steelfilter` files: named `<anything>.<source>.steelfilter` (e.g. `web-servers.aggregates.steelfilter`,
// `cpu.system_metrics.cpu.steelfilter`); the device is the only configured AppResponse, or the one
// whose name is a segment of the file name. Without both, only the syntax is checked.
// Report files name their device in `"device"` and each data_def its source.

export function steelfilterTarget(fileName: string, devices: string[]): { device?: string; sourceCandidates: string[] } {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.steelfilter$/i, '');
  const parts = base.split('.');
  const device = devices.length === 1 ? devices[0] : devices.find((d) => parts.includes(d));
  // Longest first: `system_metrics.cpu` before `cpu`.
  const sourceCandidates: string[] = [];
  for (let i = 1; i < parts.length; i++) sourceCandidates.push(parts.slice(i).join('.'));
  return { device, sourceCandidates };
}
