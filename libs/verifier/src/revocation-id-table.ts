const EMPTY = -1;

/**
 * Revocation ids to small integer slots, which the revocation index keeps its per-revocation data under. A canonical
 * id (a lower-case UUID, as the registration service writes them) is held as its 16 bytes in typed arrays and found
 * through an open-addressing table of slots: about 24 bytes a revocation, where a Map from the id string costs some
 * 90. Any other id (the contract's UUIDs may be upper-case) is held as its string, in a Map: ids are compared as
 * the strings they are, so `A…` and `a…`, two keys on the topic, stay two revocations.
 */
export class RevocationIdTable {
  /** Four 32-bit words of the UUID per slot. */
  private words = new Uint32Array(4 * 1024);
  /** Slots by hash, linear probing; EMPTY where free. Kept at most half full. */
  private table = new Int32Array(2048).fill(EMPTY);
  private readonly otherIds = new Map<string, number>();
  /** The string id of a slot held in otherIds. */
  private readonly otherIdOfSlot = new Map<number, string>();
  private readonly freeSlots: number[] = [];
  private slotsUsed = 0;
  private canonicalCount = 0;
  private readonly probe = new Uint32Array(4);

  /** Ids held. */
  get size(): number {
    return this.canonicalCount + this.otherIds.size;
  }

  /** One more than the highest slot ever handed out: slots are below it. */
  get slotLimit(): number {
    return this.slotsUsed;
  }

  /** The slot of `id`, or -1. */
  slotOf(id: string): number {
    if (!parseCanonicalUuid(id, this.probe, 0)) return this.otherIds.get(id) ?? EMPTY;
    const position = this.find(this.probe, 0);
    return position === EMPTY ? EMPTY : (this.table[position] as number);
  }

  /** A slot for `id`, which must not be held. */
  add(id: string): number {
    const slot = this.freeSlots.pop() ?? this.slotsUsed++;
    this.ensureSlot(slot);
    if (!parseCanonicalUuid(id, this.words, 4 * slot)) {
      this.otherIds.set(id, slot);
      this.otherIdOfSlot.set(slot, id);
      return slot;
    }
    if (2 * (this.canonicalCount + 1) > this.table.length) this.rehash(2 * this.table.length);
    this.insert(slot);
    this.canonicalCount += 1;
    return slot;
  }

  /** Forgets the id held in `slot`; the slot may be handed out again. */
  release(slot: number): void {
    const other = this.otherIdOfSlot.get(slot);
    if (other !== undefined) {
      this.otherIdOfSlot.delete(slot);
      this.otherIds.delete(other);
    } else {
      const position = this.find(this.words, 4 * slot);
      if (position === EMPTY) return;
      this.removeAt(position);
      this.canonicalCount -= 1;
    }
    this.freeSlots.push(slot);
  }

  /** The table position of the id whose words are at `words[at..at+3]`, or EMPTY. */
  private find(words: Uint32Array, at: number): number {
    const mask = this.table.length - 1;
    for (let position = hash(words, at) & mask; ; position = (position + 1) & mask) {
      const slot = this.table[position] as number;
      if (slot === EMPTY) return EMPTY;
      const held = 4 * slot;
      if (
        this.words[held] === words[at] &&
        this.words[held + 1] === words[at + 1] &&
        this.words[held + 2] === words[at + 2] &&
        this.words[held + 3] === words[at + 3]
      ) {
        return position;
      }
    }
  }

  private insert(slot: number): void {
    const mask = this.table.length - 1;
    let position = hash(this.words, 4 * slot) & mask;
    while (this.table[position] !== EMPTY) position = (position + 1) & mask;
    this.table[position] = slot;
  }

  /** Backward-shift deletion: moves later entries of the probe run up, so lookups never need a tombstone. */
  private removeAt(position: number): void {
    const mask = this.table.length - 1;
    let hole = position;
    for (let next = (hole + 1) & mask; this.table[next] !== EMPTY; next = (next + 1) & mask) {
      const home = hash(this.words, 4 * (this.table[next] as number)) & mask;
      // The entry at `next` may fill the hole if its home is not cyclically within (hole, next].
      const homeInRun = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (!homeInRun) {
        this.table[hole] = this.table[next] as number;
        hole = next;
      }
    }
    this.table[hole] = EMPTY;
  }

  private rehash(length: number): void {
    const old = this.table;
    this.table = new Int32Array(length).fill(EMPTY);
    for (const slot of old) if (slot !== EMPTY) this.insert(slot);
  }

  private ensureSlot(slot: number): void {
    if (4 * slot < this.words.length) return;
    const grown = new Uint32Array(this.words.length * 2);
    grown.set(this.words);
    this.words = grown;
  }
}

/** Parses a lower-case 8-4-4-4-12 hex UUID into four words at `into[at..at+3]`; false for anything else. */
function parseCanonicalUuid(id: string, into: Uint32Array, at: number): boolean {
  if (id.length !== 36) return false;
  let word = 0;
  let words = 0;
  let digits = 0;
  for (let i = 0; i < 36; i++) {
    const code = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 0x2d) return false;
      continue;
    }
    let nibble: number;
    if (code >= 0x30 && code <= 0x39) nibble = code - 0x30;
    else if (code >= 0x61 && code <= 0x66) nibble = code - 0x57;
    else return false;
    word = ((word << 4) | nibble) >>> 0;
    if (++digits === 8) {
      into[at + words++] = word;
      word = 0;
      digits = 0;
    }
  }
  return true;
}

/** murmur3's finaliser over the words: UUID versions with time or counter bits still spread over the table. */
function hash(words: Uint32Array, at: number): number {
  let h = (words[at] as number) ^ Math.imul(words[at + 1] as number, 0x9e3779b1);
  h ^= Math.imul(words[at + 2] as number, 0x85ebca6b) ^ Math.imul(words[at + 3] as number, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
