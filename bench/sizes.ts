import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The JavaScript CDK ships for a function, from its asset folder (source maps left out). */
export interface BundleSize {
  name: string;
  /** `index.mjs`: parsed at every cold start. */
  initBytes: number;
  /** The files the bundle loads only at first use (holiday library, templates). */
  onDemandBytes: number;
  files: Record<string, number>;
  naiveBytes: number;
  /** Init JavaScript of our bundle with the AWS SDK inside instead of the runtime's. */
  sdkBundledBytes: number;
}

export function assetSizes(
  dir: string,
): Omit<BundleSize, 'name' | 'naiveBytes' | 'sdkBundledBytes'> {
  const files: Record<string, number> = {};
  for (const name of readdirSync(dir)) {
    if (/\.(mjs|cjs|js)$/.test(name)) files[name] = statSync(join(dir, name)).size;
  }
  const initBytes = files['index.mjs'] ?? 0;
  const total = Object.values(files).reduce((sum, bytes) => sum + bytes, 0);
  return { initBytes, onDemandBytes: total - initBytes, files };
}
