// Sizes in binary units, the one way every size is printed (disk use, free space, checkpoints) — the same units as the
// GPU memory figures (GiB, 2^30 bytes: what nvidia-smi and PyTorch report).
export const GIB = 2 ** 30;

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** `512 B`, `1.5 KiB`, `14.2 GiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}
