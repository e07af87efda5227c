/**
 * A set of strings that forgets everything when it reaches its size: a per-instance cache of facts
 * that stay true (an item exists, an id set is full), so forgetting only costs a request again.
 */
export class BoundedSet {
  private readonly values = new Set<string>();

  constructor(private readonly maxSize: number) {}

  has(value: string): boolean {
    return this.values.has(value);
  }

  add(value: string): void {
    if (this.values.size >= this.maxSize) this.values.clear();
    this.values.add(value);
  }
}
