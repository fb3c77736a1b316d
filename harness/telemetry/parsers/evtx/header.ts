// The EVTX file header (the first 4 KiB block; 128 bytes used), per libevtx's format documentation:
// signature "ElfFile\0", first/last chunk number, next record id, header size 128, version 3.1/3.2,
// header block size 4096, chunk count, flags at 120 and CRC-32 of bytes 0..119 at 124.
import { crc32 } from './crc32.js';

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;
const MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"

export interface EvtxFileHeader {
  majorVersion: number;
  minorVersion: number;
  headerBlockSize: number;
  chunkCount: number;
  nextRecordId: number;
  flags: number; // 0x1 dirty, 0x2 full
  checksumOk: boolean;
}

// True when `head` starts with the EVTX file signature "ElfFile\0".
export function isEvtx(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  for (let i = 0; i < 8; i++) if (head[i] !== MAGIC[i]) return false;
  return true;
}

// Parses the file header; null when the signature is missing or the block is shorter than 128 bytes.
export function parseFileHeader(b: Buffer): EvtxFileHeader | null {
  if (b.length < 128 || !isEvtx(b)) return null;
  const stored = b.readUInt32LE(124);
  return {
    minorVersion: b.readUInt16LE(36),
    majorVersion: b.readUInt16LE(38),
    headerBlockSize: b.readUInt16LE(40),
    chunkCount: b.readUInt16LE(42),
    nextRecordId: Number(b.readBigUInt64LE(24)),
    flags: b.readUInt32LE(120),
    checksumOk: crc32(b.subarray(0, 120)) === stored,
  };
}
