/**
 * Class/id name hints. Matched against "class id" lower-cased. Two strengths of negative hint:
 * BOILERPLATE names lower a container's score; PRUNE names are removed inside the chosen article.
 */

/** Names that content containers use. */
export const POSITIVE_HINT =
  /article|(?:^|[-_ ])body|content|entry|h-entry|hentry|main|(?:^|[-_ ])post|(?:^|[-_ ])text|story|blog|prose|rich-?text|news-?detail|detail|single|page-?copy|read|artikel|inhalt|noticia|contenido|cuerpo|conteudo|corpo|texto|testo|articolo|contenu|tresc|tekst|nieuws|materia|haber|icerik/;

/** Names that page furniture uses (lower the score of a container). */
export const NEGATIVE_HINT =
  /comment|kommentar|comentario|commentaire|commento|related|relacionad|correlat|verwandt|weitere|share|sharing|social|sidebar|side-bar|widget|footer|masthead|header|nav(?:bar|igation)?(?:$|[-_ ])|menu|breadcrumb|promo|sponsor|advert|(?:^|[-_ ])ads?(?:$|[-_ ])|banner|newsletter|subscribe|signup|sign-up|popular|most-?read|trending|recommend|outbrain|taboola|teaser|more-?stories|read-?more|also-?read|tags?(?:$|[-_ ])|cookie|consent|gdpr|modal|popup|disqus|author-?bio|bio-?box|byline|caption|credit|meta(?:$|[-_ ])|toolbar|pagination|pager|skip|print|rating|poll|sr-only|visually-?hidden|breaking|ticker|jump|toc(?:$|[-_ ])/;

/**
 * Names removed inside the chosen article even though they sit within it: these are the
 * widgets publishers embed between paragraphs (share bars, "read also", newsletter boxes,
 * related links, captions, bylines) and never body text.
 */
export const PRUNE_HINT =
  /comment|kommentar|comentario|commentaire|commento|related|relacionad|correlat|verwandt|mais-?lidas|leia-?tambem|lee-?tambien|lesen-?sie|leggi-?anche|share|sharing|compartir|partilhar|condividi|teilen|publicidad|publicidade|pubblicita|werbung|anzeige|newsletter|subscribe|signup|sign-up|promo|sponsor|advert|(?:^|[-_ ])ads?(?:$|[-_ ])|(?:^|[-_ ])ad-|outbrain|taboola|recommend|most-?read|popular|trending|more-?stories|read-?more|also-?read|see-?also|tags?(?:$|[-_ ])|keywords|author-?bio|bio-?box|about-?the-?author|byline|dateline|caption|credit|toolbar|breadcrumb|pagination|pager|rating|poll|sr-only|visually-?hidden|print-?only|screen-?reader|disclaimer|inline-?(?:link|related)|embed-?(?:link|related)|video-?player|gallery|slideshow|image-?(?:container|wrapper)|photo|(?:^|\s)media(?:__|-(?:title|caption|credit|footer|wrapper|container)\b|\s|$)|footer|copyright|timestamp|publish(?:ed)?-?date|post-?meta|article-?meta|entry-?meta|meta-?data|author(?:$|[-_ ]|s)|inline-?ad|teaser|next-?prev|prev-?next|post-?nav|nav-?links|(?:^|[-_ ])cta(?:$|[-_ ])/;
