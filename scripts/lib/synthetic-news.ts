/**
 * Synthetic news stream with known syndication structure, for the dedup benchmark.
 *
 * Deterministic from a seed. Text comes from a Zipf-weighted pseudo-word model with function
 * words, story-specific names and numbers, so shingle statistics look like prose: unrelated
 * stories share common words and short phrases, never whole sentences, except where the
 * generator puts them on purpose:
 * - host boilerplate (newsletter pitches, legal lines) on many pages of one host, and a group
 *   line shared by sister hosts;
 * - stock sentences ("did not immediately respond to a request for comment") and short stock
 *   lines across unrelated stories and hosts;
 * - background paragraphs reused by a later, different story.
 * Syndicated copies are exact (other host, other headline) or edited: reworded sentence,
 * typographic changes, paragraphs added, cut or reordered, and heavy edits (a reworded sentence
 * in every paragraph plus paragraphs merged and split) that leave no paragraph byte-identical.
 */
import type { Paragraph } from '../../functions/core/article';

/** Small, fast, seeded PRNG (32-bit state, splitmix-style output mixing). */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4_294_967_296;
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/**
 * How a generated article relates to its story. `aggregator`, `excerpt` and `update` appear only
 * with {@link SyntheticNewsOptions.provenance}: an aggregator host's full copy with a source
 * credit; an aggregator's excerpt (the first paragraphs, the last possibly cut with "…", sometimes
 * run together, then "Read the full story at …"); the same publisher's later version at a second
 * URL (reworded first paragraph, an appended update, same headline).
 */
export type CopyKind = 'original' | 'exact' | 'edited' | 'aggregator' | 'excerpt' | 'update';

/** Edits applied to an edited copy. */
export type EditKind = 'reworded' | 'typographic' | 'added' | 'cut' | 'reordered' | 'headline' | 'heavy';

/** One generated article with its ground truth. */
export interface SyntheticArticle {
  id: string;
  host: string;
  url: string;
  title: string;
  publishedAt: string;
  /** When the crawler "saw" it (stream order; may precede the origin for some copies). */
  seenAt: string;
  paragraphs: Paragraph[];
  siteName: string;
  basedOnUrl?: string;
  /** Truth: the story this article tells. */
  storyId: string;
  kind: CopyKind;
  edits: EditKind[];
  /** Truth: the story's original article id. */
  originId: string;
  /** A long press-release quotation this article carries, shared with other, different stories. */
  quotation?: string;
}

/** Generator options (defaults give a mix close to a wire-heavy news feed). */
/** Share of generated articles that copy an earlier story: heavy syndication, as on news aggregators. */
export const DEFAULT_COPY_SHARE = 0.55;

export interface SyntheticNewsOptions {
  articles: number;
  seed?: number;
  hosts?: number;
  /** Share of articles that are copies of an earlier story (default {@link DEFAULT_COPY_SHARE}). */
  copyShare?: number;
  /** Share of copies that are edited rather than exact (default 0.5). */
  editedShare?: number;
  /** Share of edited copies that are heavy edits (default 0.25). */
  heavyShare?: number;
  /** Share of copies crawled before their origin (default 0.1). */
  earlyCopyShare?: number;
  /**
   * Adds the provenance cases of bench:dedup: aggregator copies and excerpts on aggregator hosts,
   * same-publisher updates, and long press-release quotations shared by different stories.
   */
  provenance?: boolean;
}

/** Shares of copy events that are aggregator copies, excerpts and updates (with `provenance`). */
const AGGREGATOR_COPY_SHARE = 0.12;
const EXCERPT_SHARE = 0.12;
const UPDATE_SHARE = 0.07;
/** Share of originals quoting a press release that other, different stories quote too. */
const QUOTATION_SHARE = 0.06;
const AGGREGATOR_HOSTS = 6;

const FUNCTION_WORDS = (
  'the of and to in a that for on is was said with he it as at by from his have has are but ' +
  'be not an they this had which were after their been its who more will would up about over than also new one two ' +
  'last year people government when there some could into other police officials told minister president week'
).split(' ');

const SYLLABLES = (
  'ba be bi bo bu ca co cu da de di do du fa fe fi fo ga ge go ha he hi ho ka ke ki ko la le li lo lu ' +
  'ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo za ze zo ' +
  'bar ber cal cor dan den fal fen gar ger hal han kar ker lan len mar mer nar nor par per ran ren sal sen tar ter ' +
  'val ven wal win str tra pro con dis ment tion able ing ers ous ist ant ent'
).split(' ');

/** Vocabulary size of the content-word model. */
const VOCABULARY_WORDS = 12_000;
/** Zipf exponent of content words (natural text is close to 1). */
const ZIPF_EXPONENT = 1.05;
/**
 * Rank offset of content words: function words already fill the head of the distribution, so
 * the most frequent content word should be about as common as "minister", not as "the".
 */
const ZIPF_RANK_OFFSET = 60;

class WordModel {
  private readonly words: string[];
  private readonly cumulative: Float64Array;

  constructor(random: Random) {
    const seen = new Set<string>();
    this.words = [];
    while (this.words.length < VOCABULARY_WORDS) {
      const n = random.int(2, 4);
      let w = '';
      for (let i = 0; i < n; i++) w += random.pick(SYLLABLES);
      if (!seen.has(w)) {
        seen.add(w);
        this.words.push(w);
      }
    }
    this.cumulative = new Float64Array(VOCABULARY_WORDS);
    let sum = 0;
    for (let i = 0; i < VOCABULARY_WORDS; i++) {
      sum += 1 / (i + 1 + ZIPF_RANK_OFFSET) ** ZIPF_EXPONENT;
      this.cumulative[i] = sum;
    }
    for (let i = 0; i < VOCABULARY_WORDS; i++) this.cumulative[i] /= sum;
  }

  word(random: Random): string {
    const u = random.next();
    let lo = 0;
    let hi = VOCABULARY_WORDS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo];
  }
}

interface StoryContext {
  names: string[];
  places: string[];
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

class TextModel {
  constructor(
    private readonly random: Random,
    private readonly words: WordModel,
  ) {}

  context(): StoryContext {
    const r = this.random;
    const name = () => `${capitalise(this.words.word(r))} ${capitalise(this.words.word(r))}`;
    return {
      names: Array.from({ length: r.int(2, 4) }, name),
      places: Array.from({ length: r.int(1, 3) }, () => capitalise(this.words.word(r))),
    };
  }

  sentence(ctx: StoryContext, minWords = 10, maxWords = 26): string {
    const r = this.random;
    const n = r.int(minWords, maxWords);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const u = r.next();
      if (u < 0.42) out.push(r.pick(FUNCTION_WORDS));
      else if (u < 0.47) out.push(r.pick(ctx.names));
      else if (u < 0.5) out.push(r.pick(ctx.places));
      else if (u < 0.53) out.push(String(r.int(2, 2000)));
      else out.push(this.words.word(r));
      if (i > 2 && i < n - 2 && r.chance(0.06)) out[out.length - 1] += ',';
    }
    let s = `${capitalise(out.join(' '))}.`;
    if (r.chance(0.12)) s = `"${s}" ${r.pick(ctx.names)} said.`;
    else if (r.chance(0.08)) s = s.replace(/ (\w+) /, " $1's ");
    return s;
  }

  paragraph(ctx: StoryContext): string {
    const n = this.random.int(1, 3);
    return Array.from({ length: n }, () => this.sentence(ctx)).join(' ');
  }
}

/** Stock sentences of evidence length that unrelated stories share. */
export const STOCK_SENTENCES = [
  'The company did not immediately respond to a request for comment on the matter.',
  'A spokesperson for the ministry declined to comment when contacted by reporters on Tuesday.',
  'Officials said the investigation was ongoing and that more details would be released later.',
  'The figures have not been independently verified and could change as more information arrives.',
  'Representatives for the group did not return several messages seeking comment before publication.',
  'It was not immediately clear how many people had been affected by the decision.',
  'The police said they were not looking for anyone else in connection with the incident.',
  'This is a developing story and will be updated as more information becomes available.',
  'Markets in the region were closed for a public holiday and will reopen on Monday.',
  'The agency said it would publish a full report on its findings early next year.',
  'Analysts polled ahead of the announcement had expected a much smaller change overall.',
  'The ministry said in a statement that it was monitoring the situation very closely.',
];

/** Short stock lines (below the evidence threshold). */
const STOCK_LINES = [
  'Advertisement',
  'Read more:',
  'Share this article',
  'Photo: handout',
  'Reporting by staff',
  'Related coverage',
  'Updated',
];

interface HostProfile {
  host: string;
  siteName: string;
  boilerplate: string[];
  groupLine?: string;
}

interface Story {
  id: string;
  originId: string;
  originUrl: string;
  originHost: string;
  siteName: string;
  title: string;
  publishedMs: number;
  body: string[];
  ctx: StoryContext;
  /** Copies made so far (edited copies may derive from one). */
  versions: string[][];
  /** Its publisher already put out an update. */
  updated?: boolean;
  hosts: Set<string>;
}

/** Generates the stream (in crawl order). */
export function generateSyntheticNews(options: SyntheticNewsOptions): SyntheticArticle[] {
  const random = new Random(options.seed ?? 20261125);
  const words = new WordModel(random);
  const text = new TextModel(random, words);
  const hostCount = options.hosts ?? 60;
  const copyShare = options.copyShare ?? DEFAULT_COPY_SHARE;
  const editedShare = options.editedShare ?? 0.5;
  const heavyShare = options.heavyShare ?? 0.25;
  const earlyCopyShare = options.earlyCopyShare ?? 0.1;

  const generic: StoryContext = { names: ['Our Team'], places: ['City'] };
  const groups = Array.from({ length: Math.ceil(hostCount / 3) }, () => text.paragraph(generic));
  const hosts: HostProfile[] = Array.from({ length: hostCount }, (_, i) => {
    const label = words.word(random) + words.word(random);
    return {
      host: `www.${label}${i}.example`,
      siteName: `The ${capitalise(label)} ${random.pick(['Post', 'Times', 'Herald', 'Ledger', 'Courier', 'News'])}`,
      boilerplate: Array.from({ length: random.int(2, 4) }, () => text.sentence(generic, 10, 22)),
      groupLine: i % 3 === 0 || i % 3 === 1 ? groups[Math.floor(i / 3)] : undefined,
    };
  });

  const provenance = options.provenance ?? false;
  const aggregators: HostProfile[] = provenance
    ? Array.from({ length: AGGREGATOR_HOSTS }, (_, i) => {
        const label = words.word(random) + words.word(random);
        return {
          host: `www.${label}-digest${i}.example`,
          siteName: `${capitalise(label)} Digest`,
          boilerplate: Array.from({ length: random.int(1, 2) }, () => text.sentence(generic, 10, 22)),
        };
      })
    : [];
  // Press releases quoted at length by several different stories (each a long paragraph).
  const quotations = provenance
    ? Array.from({ length: Math.max(3, Math.ceil(options.articles / 400)) }, () =>
        Array.from({ length: 4 }, () => text.sentence(generic, 16, 24)).join(' '),
      )
    : [];

  const stories: Story[] = [];
  const out: SyntheticArticle[] = [];
  const startMs = Date.parse('2026-11-01T00:00:00Z');
  let clockMs = startMs;
  let articleSeq = 0;

  const decorate = (body: string[], host: HostProfile): Paragraph[] => {
    const paragraphs: Paragraph[] = [];
    if (random.chance(0.3)) paragraphs.push({ kind: 'paragraph', text: random.pick(STOCK_LINES) });
    for (const p of body) paragraphs.push({ kind: 'paragraph', text: p });
    if (random.chance(0.35))
      paragraphs.splice(random.int(1, paragraphs.length), 0, {
        kind: 'paragraph',
        text: random.pick(STOCK_SENTENCES),
      });
    if (random.chance(0.25)) paragraphs.push({ kind: 'paragraph', text: random.pick(STOCK_LINES) });
    for (const line of host.boilerplate)
      if (random.chance(0.6)) paragraphs.push({ kind: 'paragraph', text: line });
    if (host.groupLine && random.chance(0.5)) paragraphs.push({ kind: 'paragraph', text: host.groupLine });
    return paragraphs;
  };

  const makeArticle = (
    story: Story,
    host: HostProfile,
    body: string[],
    kind: CopyKind,
    edits: EditKind[],
    publishedMs: number,
    seenMs: number,
    title: string,
    basedOnUrl?: string,
  ): SyntheticArticle => {
    const id = `a${String(++articleSeq).padStart(6, '0')}`;
    return {
      id,
      host: host.host,
      url: `https://${host.host}/news/${id}`,
      title,
      publishedAt: new Date(publishedMs).toISOString(),
      seenAt: new Date(seenMs).toISOString(),
      paragraphs: decorate(body, host),
      siteName: host.siteName,
      basedOnUrl,
      storyId: story.id,
      kind,
      edits,
      originId: kind === 'original' ? id : story.originId,
    };
  };

  /** An aggregator copy, an excerpt or an update of the story (or undefined: an ordinary copy). */
  const provenanceCopy = (story: Story): SyntheticArticle | 'skip' | undefined => {
    const u = random.next();
    const publishedMs = story.publishedMs + random.int(5, 360) * 60_000;
    if (u < AGGREGATOR_COPY_SHARE + EXCERPT_SHARE) {
      const free = aggregators.filter((h) => !story.hosts.has(h.host));
      if (free.length === 0) return 'skip';
      const host = random.pick(free);
      story.hosts.add(host.host);
      const credit = `This article first appeared on ${story.siteName}.`;
      const basedOnUrl = random.chance(0.4) ? story.originUrl : undefined;
      if (u < AGGREGATOR_COPY_SHARE) {
        const body = random.chance(0.5) ? [...story.body, credit] : [credit, ...story.body];
        return makeArticle(
          story,
          host,
          body,
          'aggregator',
          [],
          publishedMs,
          clockMs,
          story.title,
          basedOnUrl,
        );
      }
      const lead = story.body.slice(0, random.int(2, 3));
      if (random.chance(0.5)) lead[lead.length - 1] = cutAtWord(random, lead[lead.length - 1]);
      const block = random.chance(0.3) ? [lead.join(' ')] : lead;
      const body = [...block, `Read the full story at ${story.siteName}`];
      return makeArticle(story, host, body, 'excerpt', [], publishedMs, clockMs, story.title, basedOnUrl);
    }
    if (u < AGGREGATOR_COPY_SHARE + EXCERPT_SHARE + UPDATE_SHARE) {
      if (story.updated) return 'skip';
      story.updated = true;
      const host = hosts.find((h) => h.host === story.originHost) as HostProfile;
      const body = [
        rewordSentence(random, text, story.ctx, story.body[0]),
        ...story.body.slice(1),
        `Update: ${text.paragraph(story.ctx)}`,
      ];
      const title = random.chance(0.5) ? `UPDATE: ${story.title}` : story.title;
      const updatedMs = story.publishedMs + random.int(60, 480) * 60_000;
      return makeArticle(story, host, body, 'update', [], updatedMs, clockMs, title);
    }
    return undefined;
  };

  while (out.length < options.articles) {
    clockMs += random.int(5, 120) * 1000;
    const makeCopy = stories.length > 0 && random.chance(copyShare);
    if (!makeCopy) {
      const host = random.pick(hosts);
      const ctx = text.context();
      const n = random.chance(0.12) ? random.int(2, 4) : random.int(5, 14);
      const body = Array.from({ length: n }, () => text.paragraph(ctx));
      // Background paragraphs reused from an earlier, different story.
      // At most 30% of either story's text: more would make one contain the other (a copy).
      if (stories.length > 5 && random.chance(0.06)) {
        const earlier = random.pick(stories);
        const budget = 0.3 * Math.min(chars(body), chars(earlier.body));
        const reuse: string[] = [];
        for (const p of earlier.body.slice(0, 2)) if (chars(reuse) + p.length <= budget) reuse.push(p);
        body.splice(body.length - 1, 0, ...reuse);
      }
      const quotation =
        provenance && random.chance(QUOTATION_SHARE) && body.length >= 4
          ? random.pick(quotations)
          : undefined;
      if (quotation) body.splice(random.int(1, body.length - 1), 0, quotation);
      const story: Story = {
        id: `s${stories.length + 1}`,
        originId: '',
        originUrl: '',
        originHost: host.host,
        siteName: host.siteName,
        title: text.sentence(ctx, 6, 12),
        publishedMs: clockMs - random.int(0, 30) * 60_000,
        body,
        ctx,
        versions: [body],
        hosts: new Set([host.host]),
      };
      const article = makeArticle(story, host, body, 'original', [], story.publishedMs, clockMs, story.title);
      if (quotation) article.quotation = quotation;
      story.originId = article.id;
      story.originUrl = article.url;
      stories.push(story);
      out.push(article);
      continue;
    }
    // Copies favour recent stories (the news cycle), with a long tail.
    const recent = Math.min(stories.length, 200);
    const story = random.chance(0.8)
      ? stories[stories.length - 1 - random.int(0, recent - 1)]
      : random.pick(stories);
    if (provenance) {
      const special = provenanceCopy(story);
      if (special === 'skip') continue;
      if (special) {
        out.push(special);
        continue;
      }
    }
    const freeHosts = hosts.filter((h) => !story.hosts.has(h.host));
    if (freeHosts.length === 0) continue;
    const host = random.pick(freeHosts);
    story.hosts.add(host.host);
    const publishedMs = story.publishedMs + random.int(5, 360) * 60_000;
    const credit = random.chance(0.3);
    let body: string[];
    let kind: CopyKind;
    let edits: EditKind[] = [];
    let title = story.title;
    if (!random.chance(editedShare)) {
      kind = 'exact';
      body = [...story.body];
      if (random.chance(0.5)) title = text.sentence(story.ctx, 6, 12);
    } else {
      kind = 'edited';
      const base = random.chance(0.2) ? random.pick(story.versions) : story.body;
      ({ body, edits } = editCopy(random, text, story.ctx, base, heavyShare));
      if (edits.includes('headline')) title = text.sentence(story.ctx, 6, 12);
    }
    if (credit && body.length > 0)
      body = [`${story.ctx.places[0].toUpperCase()} (${story.siteName}) - ${body[0]}`, ...body.slice(1)];
    story.versions.push(body);
    const basedOnUrl = random.chance(0.15) ? story.originUrl : undefined;
    const article = makeArticle(story, host, body, kind, edits, publishedMs, clockMs, title, basedOnUrl);
    if (random.chance(earlyCopyShare) && out.length > 0) {
      // Crawled before its origin (the origin's feed was polled later): move it 1-40 articles
      // ahead of the origin in the stream, so some are processed concurrently with it and most
      // before it.
      const originIndex = out.findIndex((a) => a.id === story.originId);
      if (originIndex >= 0 && out.length - originIndex < 50) {
        const at = Math.max(0, originIndex - random.int(0, 39));
        out.splice(at, 0, { ...article, seenAt: out[at].seenAt });
        continue;
      }
    }
    out.push(article);
  }
  return out.slice(0, options.articles);
}

/** The paragraph cut at a word boundary (40-70% of its words), ending in "…", as excerpts are. */
function cutAtWord(random: Random, paragraph: string): string {
  const words = paragraph.split(' ');
  const keep = Math.max(4, Math.floor(words.length * (0.4 + random.next() * 0.3)));
  return keep >= words.length ? paragraph : `${words.slice(0, keep).join(' ')}…`;
}

function chars(paragraphs: readonly string[]): number {
  return paragraphs.reduce((n, p) => n + p.length, 0);
}

function editCopy(
  random: Random,
  text: TextModel,
  ctx: StoryContext,
  base: readonly string[],
  heavyShare: number,
): { body: string[]; edits: EditKind[] } {
  let body = [...base];
  const edits: EditKind[] = [];
  if (random.chance(heavyShare)) {
    edits.push('heavy');
    body = body.map((p) => rewordSentence(random, text, ctx, p));
    // Merge a pair of paragraphs and split another: no paragraph stays byte-identical.
    if (body.length >= 3) {
      const i = random.int(0, body.length - 2);
      body.splice(i, 2, `${body[i]} ${body[i + 1]}`);
    }
    const j = body.findIndex((p) => p.split('. ').length >= 2);
    if (j >= 0) {
      const parts = body[j].split('. ');
      const cut = Math.ceil(parts.length / 2);
      body.splice(j, 1, `${parts.slice(0, cut).join('. ')}.`, parts.slice(cut).join('. '));
    }
  }
  const options: EditKind[] = ['reworded', 'typographic', 'added', 'cut', 'reordered', 'headline'];
  const count = random.int(1, 3);
  for (const edit of random.shuffle([...options]).slice(0, count)) {
    edits.push(edit);
    switch (edit) {
      case 'reworded': {
        const i = random.int(0, body.length - 1);
        body[i] = rewordSentence(random, text, ctx, body[i]);
        break;
      }
      case 'typographic':
        body = body.map((p) => typographic(random, p));
        break;
      case 'added':
        for (let k = random.int(1, 2); k > 0; k--)
          body.splice(random.int(0, body.length), 0, text.paragraph(ctx));
        break;
      case 'cut': {
        const cut = Math.min(random.int(1, 3), Math.floor(body.length * 0.4));
        for (let k = 0; k < cut; k++)
          body.splice(random.chance(0.6) ? body.length - 1 : random.int(1, body.length - 1), 1);
        break;
      }
      case 'reordered':
        if (body.length >= 3) {
          const i = random.int(1, body.length - 1);
          const [moved] = body.splice(i, 1);
          body.splice(random.int(1, body.length), 0, moved);
        }
        break;
      case 'headline':
        break;
    }
  }
  return { body, edits };
}

/** Replaces or inserts a few words in one sentence of the paragraph. */
function rewordSentence(random: Random, text: TextModel, ctx: StoryContext, paragraph: string): string {
  const words = paragraph.split(' ');
  const changes = random.int(1, 3);
  const start = random.int(0, Math.max(0, words.length - 8));
  for (let k = 0; k < changes; k++) {
    const i = Math.min(words.length - 1, start + random.int(0, 7));
    const replacement = text.sentence(ctx, 1, 1).replace(/[."]/g, '').toLowerCase();
    if (random.chance(0.5)) words[i] = replacement;
    else words.splice(i, 0, replacement);
  }
  return words.join(' ');
}

/** Typography only: curly quotes, dashes, no-break and zero-width spaces, letter case. */
function typographic(random: Random, paragraph: string): string {
  let p = paragraph.replace(/"([^"]*)"/g, '“$1”').replace(/'/g, '’');
  if (random.chance(0.5)) p = p.replace(/, /g, ' — ').replace(/ — /, ', ');
  if (random.chance(0.3)) p = p.replace(/ /, '\u00A0').replace(/ (\w)/, ' \u200B$1');
  if (random.chance(0.1)) p = p.toUpperCase();
  return p;
}
