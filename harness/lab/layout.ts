// Names and addresses of a lab instance. Instance 0 is the one `harness lab up` makes (bridge athbr0,
// namespaces ath-lab1.., subnet 10.213.0.0/24, users athlab1..); test suites use other instances so
// that several labs can coexist on one machine without touching each other.
import { join } from 'node:path';

export const LAB_ROOT = '/var/lib/atomic-harness';
export const MAX_HOSTS = 200;

export interface HostLayout {
  index: number;
  name: string; // target name = namespace name
  netns: string;
  vethHost: string;
  vethNs: string;
  address: string;
  user: string;
  dir: string;
}

export interface LabLayout {
  instance: number;
  dir: string;
  bridge: string;
  subnet: string;
  gateway: string;
  auditKey: string;
  clientKey: string;
  authorizedKeys: string;
  targetsFile: string;
  stateFile: string;
  host(i: number): HostLayout;
}

// The layout of lab instance `instance` (0..250) with its state in `dir`.
export function labLayout(instance = 0, dir?: string): LabLayout {
  const d = dir ?? (instance === 0 ? join(LAB_ROOT, 'lab') : join(LAB_ROOT, `lab-${instance}`));
  const tag = instance === 0 ? '' : `${instance}x`;
  return {
    instance,
    dir: d,
    bridge: `athbr${instance}`,
    subnet: `10.213.${instance}.0/24`,
    gateway: `10.213.${instance}.1`,
    auditKey: instance === 0 ? 'ath-lab' : `ath-lab-${instance}`,
    clientKey: join(d, 'client_ed25519'),
    authorizedKeys: join(d, 'authorized_keys'),
    targetsFile: join(d, 'targets.lab.yaml'),
    stateFile: join(d, 'state.json'),
    host(i: number): HostLayout {
      const name = instance === 0 ? `ath-lab${i}` : `ath-lab${instance}-${i}`;
      return {
        index: i,
        name,
        netns: name,
        vethHost: `athv${tag}${i}`,
        vethNs: 'eth0',
        address: `10.213.${instance}.${10 + i}`,
        user: `athlab${tag}${i}`,
        dir: join(d, `host${i}`),
      };
    },
  };
}
