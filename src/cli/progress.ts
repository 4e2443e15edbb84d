/**
 * A one-line progress bar on stderr, only when stderr is a terminal (logs stay clean). The call
 * with `done === total` finishes the bar: 100% and a newline, so the next line starts clean.
 */
export function progress(label: string, done: number, total: number): void {
  if (!process.stderr.isTTY || total <= 0) return;
  const width = 30;
  const filled = Math.round((Math.min(done, total) / total) * width);
  const percent = Math.floor((Math.min(done, total) / total) * 100);
  process.stderr.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} (${percent}%)`);
  if (done >= total) process.stderr.write("\n");
}
