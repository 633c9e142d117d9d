import { readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";

/** One entry of a zip file's central directory. */
export interface ZipEntry {
  name: string;
  /** Uncompressed size. */
  size: number;
  compressedSize: number;
  /** 0 stored, 8 deflated (the two methods serverless' archiver writes). */
  method: number;
  /** Where the entry's local header starts. */
  headerOffset: number;
}

function readEntries(zip: Buffer, path: string): ZipEntry[] {
  const endOfDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory < 0) throw new Error(`${path} is not a zip file`);
  const count = zip.readUInt16LE(endOfDirectory + 10);
  let offset = zip.readUInt32LE(endOfDirectory + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      name: zip.toString("utf8", offset + 46, offset + 46 + nameLength),
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      size: zip.readUInt32LE(offset + 24),
      headerOffset: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Name and sizes of each entry of a zip file, read from its central directory. */
export function zipEntries(path: string): ZipEntry[] {
  return readEntries(readFileSync(path), path);
}

/** The uncompressed content of the entry `name` of a zip file. */
export function zipEntryData(path: string, name: string): Buffer {
  const zip = readFileSync(path);
  const entry = readEntries(zip, path).find((e) => e.name === name);
  if (!entry) throw new Error(`${path} has no entry ${name}`);
  const header = entry.headerOffset;
  const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`${path}: entry ${name} uses compression method ${entry.method}`);
}
