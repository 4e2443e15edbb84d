/**
 * Typed errors. Every failure the engine reports is an {@link L2EngineError} with a stable
 * `code`, so callers can branch on `err.code` instead of parsing messages.
 */
export type L2EngineErrorCode =
  | "INVALID_ARGUMENT"
  | "CAPACITY_EXCEEDED"
  | "PROOF_INVALID"
  | "WASM_TRAP"
  | "DECODE_FAILED"
  | "ENCODE_FAILED"
  | "BISECTION_FAULT"
  | "STORE_FAILED"
  | "CHAIN_REJECTED"
  | "DEPENDENCY_MISSING" // an optional or development-only module a feature needs is not installed
  | "L1_FAILED" // an L1 node or contract call failed (src/l1 L1Error; its fault says how)
  | "INVARIANT_BROKEN"; // the reference engine (l2engine/reference) met a state the rules exclude: a bug

/**
 * The base class of every error the library throws on purpose. Branch on `code` (stable across
 * releases) or on the subclass; the message is for people and may change.
 */
export class L2EngineError extends Error {
  /** Which kind of failure this is; each subclass has one. */
  readonly code: L2EngineErrorCode;
  constructor(code: L2EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A caller passed a value of the wrong type, length or range. Nothing was changed. */
export class InvalidArgumentError extends L2EngineError {
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
  }
}

/** The request needs more in-memory tree capacity than the core supports. Nothing was changed. */
export class CapacityError extends L2EngineError {
  constructor(message: string) {
    super("CAPACITY_EXCEEDED", message);
  }
}

/** Why a proof was rejected before its hashes were even compared. */
export type ProofFault =
  | "FORMAT" // lengths do not add up, or the leaf count does not match
  | "ORDER" // leaf indices not strictly increasing
  | "EMPTY" // a proof must name at least one leaf
  | "INDEX_RANGE" // a leaf index outside the tree
  | "NONCANONICAL" // an explicit zero sibling or stray bitmap bits
  | "FIELD" // a step proof's field has the wrong type or is out of range
  | "TOO_LARGE" // a size above its protocol maximum, refused before anything is allocated
  | "WITNESS" // the witness does not hash to the proof's roots, or lacks a slot the step reads
  | "NOT_AGREED"; // the proof does not start from the agreed step commitment

/** A proof's bytes are malformed. Verification never returns true for such bytes. */
export class ProofError extends L2EngineError {
  /** Which rule the proof broke. */
  readonly fault: ProofFault;
  constructor(fault: ProofFault, message: string) {
    super("PROOF_INVALID", message);
    this.fault = fault;
  }
}

/**
 * The WebAssembly core trapped (for example it could not grow its memory). The instance that
 * trapped refuses further calls, because its state may be half-updated; create a new one.
 */
export class WasmTrapError extends L2EngineError {
  constructor(message: string, cause?: unknown) {
    super("WASM_TRAP", message, { cause });
  }
}

/** Why a store could not be opened or written. */
export type StoreFault =
  | "CORRUPT" // the stored slots do not hash to the stored root, or a record does not decode
  | "DOMAIN_MISMATCH" // the store belongs to another chain id or L1 contract
  | "CLOSED" // the store or chain was closed
  | "IO" // the database itself failed (disk full, permissions, not a directory, …)
  | "UNAVAILABLE" // the store's backend cannot load here (LmdbStore without the optional lmdb package)
  | "FORMAT" // the store was written in another layout version (STORE_FORMAT)
  | "GENESIS_MISMATCH" // the genesis given to open a store is not the one it was created from
  | "LOCKED" // another writer (process, or LmdbStore in this process) holds the store
  | "CONFLICT"; // the stored head moved under this writer: its commit was refused, not lost

/**
 * The state store failed. A failed commit leaves both the database and the chain's in-memory
 * state at the last committed batch.
 */
export class StoreError extends L2EngineError {
  /** What went wrong. */
  readonly fault: StoreFault;
  constructor(fault: StoreFault, message: string, cause?: unknown) {
    super("STORE_FAILED", message, { cause });
    this.fault = fault;
  }
}

/** Why a chain refused a batch before executing it. */
export type ChainFault =
  | "INBOX_REPLAY" // the batch's inbox range starts before the chain's next inbox index
  | "INBOX_GAP"; // the batch's inbox range starts after it: messages in between were skipped

/**
 * A well-formed batch that does not follow the chain (e.g. one already applied). Nothing was
 * executed and nothing was committed.
 */
export class ChainError extends L2EngineError {
  /** Which rule the batch broke. */
  readonly fault: ChainFault;
  constructor(fault: ChainFault, message: string) {
    super("CHAIN_REJECTED", message);
    this.fault = fault;
  }
}

/** Why DA bytes did not decode (SPEC §9.4). */
export type DecodeFault = "EMPTY" | "VERSION" | "TRUNCATED" | "TRAILING_BYTES" | "VARINT" | "NONCANONICAL" | "RANGE" | "LIMIT" | "TX_TYPE" | "SCHEMA";

/** The DA bytes do not decode; by the derivation rule the batch is empty (SPEC §9.4). */
export class DecodeError extends L2EngineError {
  /** Which rule the bytes broke. */
  readonly fault: DecodeFault;
  /** Byte offset in the input where decoding stopped. */
  readonly offset: number;
  constructor(fault: DecodeFault, offset: number, message: string) {
    super("DECODE_FAILED", `${message} (at byte ${offset})`);
    this.fault = fault;
    this.offset = offset;
  }
}

/** A batch that cannot be encoded (a signature with no compact form, a field out of range). */
export class EncodeError extends L2EngineError {
  constructor(message: string) {
    super("ENCODE_FAILED", message);
  }
}

/** Which bisection rule a move broke (SPEC §11.3). */
export type BisectionFault =
  | "BAD_PROOF"
  | "WRONG_INDEX"
  | "NOT_AGREED_START"
  | "NOT_CLAIMED_FINAL" // the revealed final commitment is not the one the claim posted
  | "BAD_CLAIM" // the claim's posted roots do not open from its final commitment
  | "BAD_PRESTATE" // the pre-state opening does not hash to the agreed state root
  | "FINISHED"
  | "NOT_STARTED"
  | "NO_DISPUTE";

/** A move that breaks the rules: the party that made it loses the dispute. */
export class BisectionError extends L2EngineError {
  /** Which rule the move broke. */
  readonly fault: BisectionFault;
  constructor(fault: BisectionFault, message: string) {
    super("BISECTION_FAULT", message);
    this.fault = fault;
  }
}

/**
 * JSON text that is not what the reader expects: malformed JSON (`path` is "" and the message
 * gives line and column), a number JSON would round, or a u64/u128 field that is not a decimal
 * integer in range (`path` names the field, as `txs[3].amount`). Nothing was returned.
 */
export class JsonInputError extends InvalidArgumentError {
  /** What the text came from (a file name, or what the caller passed as its source). */
  readonly source: string;
  /** The field's path from the root, as `txs[3].amount`; "" for a syntax error. */
  readonly path: string;
  /** The message without the source and path. */
  readonly detail: string;
  constructor(source: string, path: string, detail: string) {
    super(`${source}: ${path === "" ? "" : `${path}: `}${detail}`);
    this.source = source;
    this.path = path;
    this.detail = detail;
  }
}

/** Why an operation against the L1 contracts failed (src/l1/, the `l2engine/l1` entry). */
export type L1Fault =
  | "REVERTED" // a transaction or call reverted: `errorName` and `args` are the contract's custom error
  | "NOT_FOUND" // an event, transaction or artifact the operation needs is not there
  | "MISMATCH" // what L1 returned contradicts itself or the caller (a DA hash, a record, a range, a stale engine)
  | "DA_UNAVAILABLE" // a batch's DA bytes are not on L1 (blobs, committee data): ask their holder
  | "NODE" // the L1 node could not be started or did not answer
  | "GAME"; // a party of the bisection game cannot move as asked: `game` says which rule

/** Which rule of the bisection game a party or its view of a game broke (an {@link L1Error} of fault GAME). */
export type GameFault =
  | "NO_DISPUTE" // the claim (or the revealed children) agree with this party's own re-execution
  | "BAD_TRACE" // a trace does not fit the claim or the tree
  | "BAD_VIEW" // the game's state is not what the move needs (e.g. no revealed children)
  | "UNKNOWN_LEAF"; // the party holds no step proof (or leaf) for the leaf named

/** What an {@link L1Error} carries besides its fault and message. */
export interface L1ErrorDetails {
  /** REVERTED: the contract's custom error name (e.g. "AlreadyPaid"), or "" when none was decoded. */
  errorName?: string;
  /** REVERTED: the custom error's arguments, in declaration order. */
  args?: readonly unknown[];
  /** GAME: which rule was broken. */
  game?: GameFault;
}

/**
 * An L1 operation failed (posting a batch, following the chain, proposing, playing a game,
 * claiming a withdrawal, starting a node). `fault` says which kind; the message names the
 * contract, field and index involved. A revert keeps the contract's custom error in
 * `errorName` and `args`, so callers branch on it without parsing the message.
 */
export class L1Error extends L2EngineError {
  /** What went wrong. */
  readonly fault: L1Fault;
  /** REVERTED: the custom error's name, or "" when the revert carried none known. Otherwise "". */
  readonly errorName: string;
  /** REVERTED: the custom error's arguments. Otherwise empty. */
  readonly args: readonly unknown[];
  /** GAME: which rule of the game was broken. Otherwise undefined. */
  readonly game: GameFault | undefined;
  constructor(fault: L1Fault, message: string, cause?: unknown, details: L1ErrorDetails = {}) {
    super("L1_FAILED", message, { cause });
    this.fault = fault;
    this.errorName = details.errorName ?? "";
    this.args = details.args ?? [];
    this.game = details.game;
  }
}

/**
 * A module a feature needs is not installed (e.g. `kzg-wasm`, a development dependency that blob
 * DA loads only when asked). Nothing was changed.
 */
export class DependencyMissingError extends L2EngineError {
  /** The npm package that could not be loaded. */
  readonly dependency: string;
  constructor(dependency: string, why: string, cause?: unknown) {
    super("DEPENDENCY_MISSING", `${dependency} could not be loaded (${why}); install it, e.g. npm install --save-dev ${dependency}`, { cause });
    this.dependency = dependency;
  }
}
