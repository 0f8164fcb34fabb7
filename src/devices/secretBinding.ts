// A device's password or token belongs to the address it was entered for. Secrets are stored by
// device name, and `probeExplorer.devices` can be changed outside the device wizard (by hand, or
// by the settings of a workspace someone else wrote): a secret is not sent to another address
// until the user confirms it. Pure, so the rules are unit-tested without an editor.

/** `https://host:port` of a device URL (default ports made explicit; lower-case host). */
export function originOf(url: string): string {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
  return `${u.protocol}//${u.hostname.toLowerCase()}${port ? `:${port}` : ''}`;
}

export function missingSecretMessage(device: string, label: string): string {
  return `${device}: no ${label} is stored for this device in this editor's Secret Storage (it is never kept in settings). Run "Edit Device…" on ${device} to enter it.`;
}

export function addressChangedMessage(device: string, label: string, storedFor: string, now: string): string {
  return `${device}: its address in the settings is now ${now}, but its ${label} was stored for ${storedFor}. The ${label} is not sent to the new address until you confirm it: run "Edit Device…" on ${device} (the stored ${label} is kept if you leave it empty), or put the old address back.`;
}
