import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../../functions/core/extract/index';
import { detectLanguage, reconcileLanguage } from '../../../functions/core/extract/language';

const de =
  'Der Gemeinderat hat am Dienstag beschlossen, dass die Stadt mehr Geld für die Schulen ausgeben wird. Die Entscheidung ist nicht unumstritten, denn auch die Feuerwehr braucht ein neues Fahrzeug. ' +
  'Der Bürgermeister sagte, dass die Mittel aus dem Haushalt des nächsten Jahres kommen werden und dass sich die Lage auf dem Arbeitsmarkt entspannt hat. Die Opposition kritisierte das mit deutlichen Worten.';
const pt =
  'O conselho municipal aprovou na terça-feira o novo orçamento para o próximo ano, com mais recursos para as escolas e para o transporte público. A decisão não foi unânime, e os vereadores da oposição disseram que os impostos também vão subir. ' +
  'O prefeito afirmou que a cidade não pode esperar mais e que os investimentos são necessários para os bairros da zona norte, onde as famílias esperam há anos por melhorias.';

describe('detectLanguage', () => {
  it('recognises languages by function words and scripts', () => {
    expect(detectLanguage(de)).toBe('de');
    expect(detectLanguage(pt)).toBe('pt');
    expect(detectLanguage('本市第五条地铁线路于周一正式开通运营，全长二十二公里，共设十八座车站。')).toBe(
      'zh',
    );
    expect(detectLanguage('市議会は水曜日、新しい自転車専用道路の計画を承認した。')).toBe('ja');
    expect(detectLanguage('قال رئيس البلدية إن المدينة ستفتتح خط مترو جديدا الأسبوع المقبل')).toBe('ar');
  });

  it('says nothing about short or ambiguous text', () => {
    expect(detectLanguage('Hello world.')).toBeUndefined();
    expect(detectLanguage('')).toBeUndefined();
  });

  it('keeps the declared language unless the body clearly says otherwise', () => {
    expect(reconcileLanguage('en-GB', 'en')).toBe('en-GB');
    expect(reconcileLanguage('en', 'de')).toBe('de');
    expect(reconcileLanguage(undefined, 'pt')).toBe('pt');
    expect(reconcileLanguage('fr', undefined)).toBe('fr');
  });

  it('overrides a template default lang="en" on a German article', () => {
    const html = `<html lang="en"><body><article>${de
      .split('. ')
      .map((s) => `<p>${s}.</p>`)
      .join('')}</article></body></html>`;
    expect(extractArticle(html).metadata.language).toBe('de');
  });
});
