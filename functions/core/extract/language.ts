/**
 * Step 9 of extraction: the body's language when the markup does not say (or says the
 * template's default). Scripts with their own alphabet decide directly; Latin and Cyrillic
 * text is scored by very common function words.
 */

/** Function words per language (lower case). Short lists: they only need to separate languages. */
const STOPWORDS: Record<string, string[]> = {
  en: [
    'the',
    'and',
    'of',
    'to',
    'is',
    'that',
    'with',
    'for',
    'was',
    'are',
    'this',
    'have',
    'from',
    'which',
    'they',
    'been',
  ],
  de: [
    'der',
    'die',
    'und',
    'das',
    'ist',
    'nicht',
    'mit',
    'sich',
    'auf',
    'für',
    'dem',
    'ein',
    'eine',
    'auch',
    'wird',
    'werden',
  ],
  fr: [
    'le',
    'les',
    'des',
    'est',
    'et',
    'une',
    'dans',
    'que',
    'pour',
    'qui',
    'pas',
    'sur',
    'avec',
    'sont',
    'mais',
    'ont',
  ],
  es: [
    'el',
    'los',
    'las',
    'del',
    'que',
    'y',
    'una',
    'por',
    'con',
    'para',
    'es',
    'como',
    'pero',
    'sus',
    'fue',
    'está',
  ],
  it: [
    'il',
    'della',
    'che',
    'di',
    'e',
    'non',
    'per',
    'una',
    'sono',
    'gli',
    'nel',
    'anche',
    'alla',
    'dei',
    'come',
    'è',
  ],
  pt: [
    'o',
    'os',
    'que',
    'de',
    'não',
    'uma',
    'para',
    'com',
    'por',
    'mais',
    'dos',
    'das',
    'foi',
    'ao',
    'são',
    'também',
  ],
  nl: [
    'de',
    'het',
    'een',
    'en',
    'van',
    'is',
    'niet',
    'dat',
    'op',
    'zijn',
    'met',
    'voor',
    'ook',
    'wordt',
    'naar',
    'bij',
  ],
  sv: [
    'och',
    'att',
    'det',
    'som',
    'är',
    'för',
    'på',
    'med',
    'inte',
    'av',
    'till',
    'den',
    'har',
    'ett',
    'var',
    'från',
  ],
  pl: [
    'i',
    'w',
    'nie',
    'na',
    'się',
    'że',
    'jest',
    'do',
    'to',
    'z',
    'jak',
    'ale',
    'przez',
    'po',
    'oraz',
    'być',
  ],
  id: [
    'yang',
    'dan',
    'di',
    'dari',
    'ini',
    'itu',
    'dengan',
    'untuk',
    'tidak',
    'dalam',
    'akan',
    'pada',
    'juga',
    'ke',
    'karena',
    'ada',
  ],
  tr: [
    've',
    'bir',
    'bu',
    'için',
    'ile',
    'da',
    'de',
    'olarak',
    'daha',
    'çok',
    'gibi',
    'olan',
    'ama',
    'sonra',
    'kadar',
    'değil',
  ],
  ru: ['и', 'в', 'не', 'на', 'что', 'с', 'по', 'это', 'как', 'из', 'для', 'его', 'но', 'он', 'от', 'который'],
  uk: ['і', 'в', 'не', 'на', 'що', 'з', 'та', 'це', 'як', 'до', 'для', 'його', 'але', 'від', 'який', 'також'],
};

/** Share of letters in a script above which the script decides the language. */
const SCRIPT_SHARE = 0.3;

/** Function-word hits needed before the word counts say anything. */
const MIN_STOPWORD_HITS = 20;

/** The winner must have this many times the runner-up's hits. */
const MIN_LEAD_RATIO = 2;

/** Characters of body text examined (enough for a stable count, bounded for speed). */
const SAMPLE_CHARS = 3000;

/** Hits after which counting stops: the ranking no longer changes. */
const ENOUGH_STOPWORD_HITS = 150;

/** Longest function word in the lists (chars). */
const MAX_STOPWORD_CHARS = 8;

/** Letters: ASCII letters, and anything above ASCII except spaces and punctuation blocks. */
function isWordChar(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  return (
    c !== 0xa0 &&
    c !== 0xab &&
    c !== 0xbb &&
    !(c >= 0x2000 && c <= 0x206f) &&
    !(c >= 0x3000 && c <= 0x303f) &&
    !(c >= 0xff00 && c <= 0xff0f)
  );
}

/** Word index: word -> languages listing it. */
const WORD_LANGUAGES = new Map<string, string[]>();
for (const [lang, words] of Object.entries(STOPWORDS)) {
  for (const w of words) WORD_LANGUAGES.set(w, [...(WORD_LANGUAGES.get(w) ?? []), lang]);
}

function scriptGuess(text: string): string | undefined {
  let letters = 0;
  let kana = 0;
  let han = 0;
  let hangul = 0;
  let arabic = 0;
  let hebrew = 0;
  let greek = 0;
  let thai = 0;
  let devanagari = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x41) continue;
    letters++;
    if (c >= 0x3040 && c <= 0x30ff) kana++;
    else if (c >= 0x4e00 && c <= 0x9fff) han++;
    else if (c >= 0xac00 && c <= 0xd7af) hangul++;
    else if (c >= 0x0600 && c <= 0x06ff) arabic++;
    else if (c >= 0x0590 && c <= 0x05ff) hebrew++;
    else if (c >= 0x0370 && c <= 0x03ff) greek++;
    else if (c >= 0x0e00 && c <= 0x0e7f) thai++;
    else if (c >= 0x0900 && c <= 0x097f) devanagari++;
  }
  if (letters === 0) return undefined;
  const share = (n: number): boolean => n / letters > SCRIPT_SHARE;
  if (share(kana) || (kana > 0 && share(kana + han))) return 'ja';
  if (share(han)) return 'zh';
  if (share(hangul)) return 'ko';
  if (share(arabic)) return 'ar';
  if (share(hebrew)) return 'he';
  if (share(greek)) return 'el';
  if (share(thai)) return 'th';
  if (share(devanagari)) return 'hi';
  return undefined;
}

/**
 * Guesses the language of body text; undefined when the text is too short or ambiguous.
 * Arabic-script text is reported as 'ar' and Han text without kana as 'zh' (a guess).
 *
 * @example
 * detectLanguage('Der Bürgermeister sagte, dass die Stadt nicht genug Geld für die Schulen hat ...') // 'de'
 */
export function detectLanguage(text: string): string | undefined {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  const byScript = scriptGuess(sample);
  if (byScript) return byScript;
  const hits = new Map<string, number>();
  let total = 0;
  // Hand-rolled word scan: only short words can be function words, so longer ones are skipped
  // without allocating; stops once the counts are conclusive.
  let start = -1;
  for (let i = 0; i <= sample.length && total < ENOUGH_STOPWORD_HITS; i++) {
    const c = i < sample.length ? sample.charCodeAt(i) : 0x20;
    if (isWordChar(c)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start <= MAX_STOPWORD_CHARS) {
      const langs = WORD_LANGUAGES.get(sample.slice(start, i).toLowerCase());
      if (langs) {
        total++;
        for (const lang of langs) hits.set(lang, (hits.get(lang) ?? 0) + 1);
      }
    }
    start = -1;
  }
  if (total < MIN_STOPWORD_HITS) return undefined;
  const ranked = [...hits.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || (second && best[1] < second[1] * MIN_LEAD_RATIO)) return undefined;
  return best[0];
}

/**
 * Reconciles the markup's language with the detected one: the markup wins unless detection is
 * confident about a different primary language (templates often hard-code `lang="en"`).
 */
export function reconcileLanguage(
  declared: string | undefined,
  detected: string | undefined,
): string | undefined {
  if (!detected) return declared;
  if (!declared) return detected;
  const primary = declared.split('-')[0];
  return primary === detected ? declared : detected;
}
