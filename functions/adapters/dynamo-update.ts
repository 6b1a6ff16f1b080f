/**
 * Builds one UpdateItem's expressions without hand-numbering placeholders. Every path segment
 * goes through an attribute name (step ids carry hyphens; some words are reserved).
 */
export class UpdateBuilder {
  private readonly names = new Map<string, string>();
  private readonly values = new Map<string, unknown>();
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly conditions: string[] = [];

  /** `#n0.#n1…` for a path such as `['steps', 'check-in-2', 'state']`. */
  path(segments: readonly string[]): string {
    return segments
      .map((segment) => {
        let alias = this.names.get(segment);
        if (!alias) {
          alias = `#n${this.names.size}`;
          this.names.set(segment, alias);
        }
        return alias;
      })
      .join('.');
  }

  value(value: unknown): string {
    const alias = `:v${this.values.size}`;
    this.values.set(alias, value);
    return alias;
  }

  set(segments: readonly string[], value: unknown): this {
    this.sets.push(`${this.path(segments)} = ${this.value(value)}`);
    return this;
  }

  /** `SET a = expression` where the expression is already built from this builder's aliases. */
  setRaw(segments: readonly string[], expression: string): this {
    this.sets.push(`${this.path(segments)} = ${expression}`);
    return this;
  }

  /** `SET path = value` for a path already built from this builder's aliases (a list element). */
  setAtPath(path: string, value: unknown): this {
    this.sets.push(`${path} = ${this.value(value)}`);
    return this;
  }

  appendToList(segments: readonly string[], items: unknown[]): this {
    const path = this.path(segments);
    this.sets.push(
      `${path} = list_append(if_not_exists(${path}, ${this.value([])}), ${this.value(items)})`,
    );
    return this;
  }

  remove(segments: readonly string[]): this {
    this.removes.push(this.path(segments));
    return this;
  }

  condition(expression: string): this {
    this.conditions.push(expression);
    return this;
  }

  build(): {
    UpdateExpression: string;
    ConditionExpression?: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    const update = [
      this.sets.length > 0 ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length > 0 ? `REMOVE ${this.removes.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return {
      UpdateExpression: update,
      ...(this.conditions.length > 0
        ? { ConditionExpression: this.conditions.map((c) => `(${c})`).join(' AND ') }
        : {}),
      ExpressionAttributeNames: Object.fromEntries(
        [...this.names].map(([segment, alias]) => [alias, segment]),
      ),
      ...(this.values.size > 0
        ? { ExpressionAttributeValues: Object.fromEntries(this.values) }
        : {}),
    };
  }
}
