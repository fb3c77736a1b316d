// The lab's record of what it made, so `down` removes exactly that (and `up` can be re-run).
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface HostState {
  index: number;
  name: string;
  netns: string;
  vethHost: string;
  address: string;
  port: number;
  user: string;
  createdUser: boolean;
  sshdPidFile: string;
  sshdConfig: string;
  hostKeyFingerprint: string;
}

export interface LabStateFile {
  version: 1;
  instance: number;
  dir: string;
  bridge: string;
  createdBridge: boolean;
  subnet: string;
  gateway: string;
  clientKey: string;
  targetsFile: string;
  auditKey: string;
  auditRules: string[][];
  startedAuditd?: number;
  /** The audit backlog limit before up raised it (restored by down when no other lab is up). */
  previousBacklogLimit?: number;
  createdDir: boolean;
  /** The sudoers drop-in `up --sudo` wrote (removed by down). */
  sudoers?: string;
  hosts: HostState[];
}

// Reads the state file (null when there is none).
export function readState(file: string): LabStateFile | null {
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as LabStateFile;
}

// Writes the state file atomically (after every step, so a crash mid-up still lets down clean up).
export function writeState(file: string, s: LabStateFile): void {
  writeFileAtomic(file, JSON.stringify(s, null, 2) + '\n');
}
