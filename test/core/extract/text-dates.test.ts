/** Dates written for people: numeric and month-name forms in several languages, times and zones. */
import { describe, expect, it } from 'vitest';
import { parseTextDate } from '../../../functions/core/extract/dates';

describe('parseTextDate', () => {
  it.each([
    ['28.04.2023', '2023-04-28T00:00:00+00:00'],
    ['June 13, 2024, 9:30 p.m.', '2024-06-13T21:30:00+00:00'],
    ['June 13, 2024, 9:30 p.m. EDT', '2024-06-14T01:30:00+00:00'],
    ['13. Juni 2024 um 07:39 Uhr', '2024-06-13T07:39:00+00:00'],
    ['13 de junio de 2024, 10:05 CEST', '2024-06-13T08:05:00+00:00'],
    ['31 janv. 2025', '2025-01-31T00:00:00+00:00'],
    ['31 Jan 2025, 20:02', '2025-01-31T20:02:00+00:00'],
    ['2026.01.29 18:40', '2026-01-29T18:40:00+00:00'],
    ['2024년 1월 5일', '2024-01-05T00:00:00+00:00'],
    ['04/28/2023', '2023-04-28T00:00:00+00:00'],
    ['31.02.2024', undefined],
    ['no date here', undefined],
  ])('%s', (text, iso) => {
    expect(parseTextDate(text)).toBe(iso);
  });
});
