/**
 * Author credits: splitting in several languages, cleaning (prefixes, roles, initials, dates),
 * and what is kept (people, agencies, desks, the site only when it is the byline).
 */
import { describe, expect, it } from 'vitest';
import {
  cleanAuthors,
  cleanCredit,
  isPhotoCredit,
  splitCredits,
} from '../../../functions/core/extract/authors';
import { isCommentStub, parseBylineLine } from '../../../functions/core/extract/byline';

describe('splitting bylines', () => {
  it.each([
    ['Samira Kollab and Vasyl Stepanko', ['Samira Kollab', 'Vasyl Stepanko']],
    ['Hans Müller und Eva Schmidt', ['Hans Müller', 'Eva Schmidt']],
    ['Ana Ruiz y Luis Prado', ['Ana Ruiz', 'Luis Prado']],
    ['Claire Dubois et Marc Petit', ['Claire Dubois', 'Marc Petit']],
    ['Anna Rossi e Luca Bianchi', ['Anna Rossi', 'Luca Bianchi']],
    ['Jane Doe & John Roe', ['Jane Doe', 'John Roe']],
    ['Jane Doe, John Roe, Ann Lee', ['Jane Doe', 'John Roe', 'Ann Lee']],
    ['Mathapelo Sebesi/Mohale Phakelo', ['Mathapelo Sebesi', 'Mohale Phakelo']],
  ])('%s', (byline, names) => {
    expect(cleanAuthors([byline])).toEqual(names);
  });

  it('never splits at initials written in capitals', () => {
    expect(splitCredits('John E Smith')).toEqual(['John E Smith']);
    expect(splitCredits('Ana Y Li')).toEqual(['Ana Y Li']);
  });
});

describe('cleaning credits', () => {
  it('drops initials in parentheses, prefixes, role suffixes and glued dates', () => {
    expect(cleanCredit('Elena Obermann (obe)')).toBe('Elena Obermann');
    expect(cleanCredit('(dpa)')).toBe('dpa');
    expect(cleanCredit('By Jane Doe')).toBe('Jane Doe');
    expect(cleanCredit('신현주 기자')).toBe('신현주');
    expect(cleanCredit('Madeleine Howe 30 August 2023')).toBe('Madeleine Howe');
  });

  it('recognises photo credits', () => {
    for (const credit of [
      'Bild: SN',
      'Photo: Jane Doe',
      'KEYSTONE',
      'Getty Images',
      'Foto: privat',
      'Bron: Belga',
    ])
      expect(isPhotoCredit(credit)).toBe(true);
    expect(isPhotoCredit('Jane Doe')).toBe(false);
  });

  it('keeps people, agencies and desks; drops places, accounts, photo credits and blurbs', () => {
    expect(
      cleanAuthors(
        [
          'Felix Schröder und Jörg Soldwig, dpa',
          'Bild: SN',
          'KEYSTONE',
          'Frankfurt',
          'Germany',
          'admin',
          'https://x.example/me',
          'Ana Ruiz, profesora de la Universidad de Ejemplo en la Facultad de Ciencias Sociales',
        ],
        { siteName: 'Metro Daily' },
      ),
    ).toEqual(['Felix Schröder', 'Jörg Soldwig', 'dpa', 'Ana Ruiz']);
    expect(cleanAuthors(['AP'])).toEqual(['AP']);
    expect(cleanAuthors(['MND Staff'])).toEqual(['MND Staff']);
    expect(cleanAuthors(['BR24 Redaktion'])).toEqual(['BR24 Redaktion']);
  });

  it('drops staff initials, source lines and labelled credit lines of other kinds', () => {
    expect(cleanAuthors(['amw'])).toEqual([]);
    expect(cleanAuthors(['kicker'])).toEqual(['kicker']);
    expect(cleanAuthors(['Quelle: sid/dpa'])).toEqual([]);
    expect(cleanAuthors(['(Image: Getty Images/Cultura RF)'])).toEqual([]);
    expect(cleanAuthors(['Redaktion: Roman Wasch und Marcel Som'])).toEqual([]);
  });

  it('drops widget labels and template placeholders; unwraps "View all posts by …"', () => {
    for (const label of [
      'Written By',
      'Article Categories',
      'Related Resources',
      'Full Bio',
      'page.head.extra.author',
    ])
      expect(cleanAuthors([label])).toEqual([]);
    expect(cleanAuthors(['View all posts by Hardtail Rider'])).toEqual(['Hardtail Rider']);
    expect(cleanAuthors(['mbl.is'])).toEqual(['mbl.is']);
  });

  it('keeps the site name only when it is the whole byline', () => {
    const site = { siteName: 'Metro Daily', host: 'www.metrodaily.example' };
    expect(cleanAuthors(['Lena Park', 'Metro Daily'], site)).toEqual(['Lena Park']);
    expect(cleanAuthors(['Metro Daily'], site)).toEqual(['Metro Daily']);
    expect(cleanAuthors(['metrodaily.example'], site)).toEqual(['metrodaily.example']);
  });

  it('drops "Staff Writers" describing the names before it', () => {
    expect(cleanAuthors(['By Takeo Mae and Tatsu Tano / Harbour Shimbun Staff Writers'])).toEqual([
      'Takeo Mae',
      'Tatsu Tano',
    ]);
  });
});

describe('byline lines', () => {
  it('reads names and the dateline after them', () => {
    expect(parseBylineLine('By Samira Kollab and Vasyl Stepanko · June 13, 2024, 9:30 p.m.')).toEqual({
      authors: ['Samira Kollab', 'Vasyl Stepanko'],
      publishedAt: '2024-06-13T21:30:00+00:00',
    });
    expect(parseBylineLine('Jane Doe, Reuters, 12 May 2024')).toEqual({
      authors: ['Jane Doe', 'Reuters'],
      publishedAt: '2024-05-12T00:00:00+00:00',
    });
    expect(parseBylineLine('Von Hans Müller und Eva Schmidt, dpa')).toEqual({
      authors: ['Hans Müller', 'Eva Schmidt', 'dpa'],
    });
  });

  it('takes bare names only when every credit looks like a person', () => {
    expect(parseBylineLine('MTHOBISI SITHOLA')).toEqual({ authors: ['MTHOBISI SITHOLA'] });
    for (const line of [
      'Breaking News',
      'Hip-Hop und Autos',
      'Par ailleurs, le ministre a refusé.',
      'Von Montag an gilt die neue Regel',
      'Por su parte, el juez no respondió.',
      'The mayor said the vote would take place next month.',
    ])
      expect(parseBylineLine(line)).toBeUndefined();
  });
});

describe('comment stubs', () => {
  it('recognises empty comment sections in several languages, never a quoted "no comment" sentence', () => {
    for (const line of [
      'Comments',
      'No comment',
      'Comments / No comment',
      '0 Kommentare',
      'Aucun commentaire',
      'Be the first to comment',
    ])
      expect(isCommentStub(line)).toBe(true);
    expect(isCommentStub('The ministry said it had no comment on the report.')).toBe(false);
  });
});
