// The lab network: one private bridge with the host side address, one namespace per host joined to it
// by a veth pair. Each step checks first, so re-running is harmless.
import { HarnessError } from '../errors.js';
import { run, tryRun } from './run.js';
import type { HostLayout, LabLayout } from './layout.js';

async function linkExists(name: string, netns?: string): Promise<boolean> {
  const args = netns ? ['-n', netns, 'link', 'show', name] : ['link', 'show', name];
  return (await tryRun('ip', args)).ok;
}

// Namespaces present on the machine.
export async function listNetns(): Promise<string[]> {
  const r = await tryRun('ip', ['netns', 'list']);
  return r.stdout.split('\n').map((l) => l.split(/\s+/)[0]).filter(Boolean);
}

// Refuses a subnet that something other than our bridge already routes.
export async function checkSubnetFree(l: LabLayout): Promise<void> {
  const routes = await tryRun('ip', ['-4', 'route', 'show', l.subnet]);
  const users = routes.stdout.split('\n').filter((x) => x.trim() !== '' && !x.includes(`dev ${l.bridge} `) && !x.endsWith(`dev ${l.bridge}`));
  if (users.length > 0) {
    throw new HarnessError('HARNESS_LAB_SUBNET_IN_USE', `lab subnet ${l.subnet} is already routed on this machine: ${users[0].trim()}`, {
      phase: 'config',
      fix: 'the lab only uses its own dedicated subnet; free it, or use another lab instance',
    });
  }
}

// Creates the bridge with the gateway address; returns true when this call created it.
export async function ensureBridge(l: LabLayout): Promise<boolean> {
  let created = false;
  if (!(await linkExists(l.bridge))) {
    await run('ip', ['link', 'add', l.bridge, 'type', 'bridge']);
    created = true;
  }
  const addr = await tryRun('ip', ['-4', 'addr', 'show', 'dev', l.bridge]);
  if (!addr.stdout.includes(`${l.gateway}/24`)) await run('ip', ['addr', 'add', `${l.gateway}/24`, 'dev', l.bridge]);
  await run('ip', ['link', 'set', l.bridge, 'up']);
  return created;
}

// Creates the namespace, its veth into the bridge, its address, lo up.
export async function ensureHostNet(l: LabLayout, h: HostLayout): Promise<void> {
  if (!(await listNetns()).includes(h.netns)) await run('ip', ['netns', 'add', h.netns]);
  if (!(await linkExists(h.vethHost))) {
    // A stale peer left inside the namespace would block re-creation.
    if (await linkExists(h.vethNs, h.netns)) await run('ip', ['-n', h.netns, 'link', 'del', h.vethNs]);
    await run('ip', ['link', 'add', h.vethHost, 'type', 'veth', 'peer', 'name', h.vethNs, 'netns', h.netns]);
  }
  await run('ip', ['link', 'set', h.vethHost, 'master', l.bridge]);
  await run('ip', ['link', 'set', h.vethHost, 'up']);
  const addr = await tryRun('ip', ['-n', h.netns, '-4', 'addr', 'show', 'dev', h.vethNs]);
  if (!addr.stdout.includes(`${h.address}/24`)) await run('ip', ['-n', h.netns, 'addr', 'add', `${h.address}/24`, 'dev', h.vethNs]);
  await run('ip', ['-n', h.netns, 'link', 'set', h.vethNs, 'up']);
  await run('ip', ['-n', h.netns, 'link', 'set', 'lo', 'up']);
  const route = await tryRun('ip', ['-n', h.netns, 'route', 'show', 'default']);
  if (route.stdout.trim() === '') await run('ip', ['-n', h.netns, 'route', 'add', 'default', 'via', l.gateway]);
}

// Removes a host's namespace (its veth pair goes with it) and a leftover host-side veth.
export async function removeHostNet(h: { netns: string; vethHost: string }): Promise<void> {
  if ((await listNetns()).includes(h.netns)) await run('ip', ['netns', 'del', h.netns]);
  // Deleting the namespace destroys the pair asynchronously: the host side may vanish under us.
  if (await linkExists(h.vethHost)) {
    const r = await tryRun('ip', ['link', 'del', h.vethHost]);
    if (!r.ok && (await linkExists(h.vethHost))) await run('ip', ['link', 'del', h.vethHost]);
  }
}

// Removes the bridge.
export async function removeBridge(bridge: string): Promise<void> {
  if (await linkExists(bridge)) await run('ip', ['link', 'del', bridge]);
}

// True when the namespace exists.
export async function netnsExists(name: string): Promise<boolean> {
  return (await listNetns()).includes(name);
}
