/** The values of a record that its URLs and keys repeat. */
export type PlaceholderTokens = Partial<Record<'id' | 'host' | 'day', string>>;

/** Replaces a record's id, host and day in a text by one placeholder character each, and back. */
export interface PlaceholderCodec {
  /** `text` with each token value replaced by its placeholder, or undefined when it holds one already. */
  pack(text: string, tokens: PlaceholderTokens): string | undefined;
  /** Undoes {@link PlaceholderCodec.pack} given the same tokens. */
  unpack(packed: string, tokens: PlaceholderTokens): string;
}

/**
 * A placeholder codec over three characters, one each for id, host and day (the two article item
 * layouts store different characters, so each keeps its own). Packing is exactly reversible
 * because no placeholder character occurs in the text or in a value (a text holding one is not
 * packed; a value holding one is not replaced), so restoring each placeholder, in any order,
 * gives back the text.
 */
export function placeholderCodec(marks: { id: string; host: string; day: string }): PlaceholderCodec {
  const pairs = [
    ['id', marks.id],
    ['host', marks.host],
    ['day', marks.day],
  ] as const;
  const holdsMark = (text: string) => pairs.some(([, mark]) => text.includes(mark));
  const usable = (value: string | undefined): value is string => !!value && !holdsMark(value);
  return {
    pack(text, tokens) {
      if (holdsMark(text)) return undefined;
      let packed = text;
      for (const [name, mark] of pairs) {
        const value = tokens[name];
        if (usable(value)) packed = packed.split(value).join(mark);
      }
      return packed;
    },
    unpack(packed, tokens) {
      let text = packed;
      for (const [name, mark] of pairs) {
        const value = tokens[name];
        if (usable(value)) text = text.split(mark).join(value);
      }
      return text;
    },
  };
}
