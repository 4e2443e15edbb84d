// Command-line parsing for `l2engine`: --name value options (integers or strings) and positionals.

/** Bad usage: exit code 2 and the usage text. */
export class UsageError extends Error {}

export interface ArgSpec {
  /** Integer options with their defaults (undefined = no default). */
  numbers?: Record<string, number | undefined>;
  /** String options with their defaults (undefined = no default). */
  strings?: Record<string, string | undefined>;
  /** How many positional arguments the command takes: [min, max]. */
  positionals?: [number, number];
}

export interface ParsedArgs {
  numbers: Record<string, number | undefined>;
  strings: Record<string, string | undefined>;
  positionals: string[];
}

export function parseArgs(command: string, args: readonly string[], spec: ArgSpec): ParsedArgs {
  const numbers = { ...spec.numbers };
  const strings = { ...spec.strings };
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    const name = arg.slice(2);
    const raw = args[++i];
    if (spec.numbers && name in spec.numbers) {
      // decimal digits only: Number() would also take " 7", "1e3", "0x10" and "0b1"
      const value = raw !== undefined && /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(value)) {
        throw new UsageError(`--${name} needs a non-negative integer, got ${raw ?? "nothing"}`);
      }
      numbers[name] = value;
    } else if (spec.strings && name in spec.strings) {
      if (raw === undefined || raw.startsWith("--")) throw new UsageError(`--${name} needs a value`);
      strings[name] = raw;
    } else {
      throw new UsageError(`${command}: unknown option ${arg}`);
    }
  }
  const [min, max] = spec.positionals ?? [0, 0];
  if (positionals.length < min || positionals.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new UsageError(`${command} takes ${want} file argument${max === 1 ? "" : "s"}, got ${positionals.length}`);
  }
  return { numbers, strings, positionals };
}

/** The value of a required string option. */
export function required(parsed: ParsedArgs, command: string, name: string): string {
  const v = parsed.strings[name];
  if (v === undefined) throw new UsageError(`${command} needs --${name}`);
  return v;
}
