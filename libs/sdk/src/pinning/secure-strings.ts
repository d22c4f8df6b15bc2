/**
 * The app's secure strings as the pins service delivered them to this attested installation, name to value. Held in
 * memory only: the SDK never persists nor logs them. The values come out by name only (`get`); printed, serialised
 * or inspected, the set shows its names and when it arrived, never a value. Portable: it runs on React Native.
 */
export class SecureStrings {
  readonly #values: ReadonlyMap<string, string>;

  /** `values` as `GET /v1/config` answered them; `receivedAt` when (epoch ms, the fetcher's clock). */
  constructor(
    values: Readonly<Record<string, string>>,
    readonly receivedAt: number,
  ) {
    this.#values = new Map(Object.entries(values));
  }

  /** The value of the secure string `name`, or undefined when the app has none of that name. */
  get(name: string): string | undefined {
    return this.#values.get(name);
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** The names, sorted. */
  get names(): string[] {
    return [...this.#values.keys()].sort();
  }

  get size(): number {
    return this.#values.size;
  }

  /** What `JSON.stringify` writes: the names and when they arrived, never the values. */
  toJSON(): { names: string[]; receivedAt: number } {
    return { names: this.names, receivedAt: this.receivedAt };
  }

  toString(): string {
    return `SecureStrings(${this.names.join(', ')})`;
  }

  /** What Node's `util.inspect` (and so `console.log`) shows: the names only. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
