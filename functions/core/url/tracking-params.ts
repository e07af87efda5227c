/**
 * Query parameters that only say how a reader arrived at a page (campaign, click and share
 * identifiers), never which page it is. Canonicalisation drops them so that one article reached
 * from a newsletter, a tweet and a search ad gets one URL key and one article id.
 *
 * Matching is case-insensitive on the parameter name. A parameter belongs here only when it is
 * widely used for tracking and practically never selects content; generic names such as
 * `source`, `id` or `page` are deliberately absent because CMSs use them to pick the article.
 */

/** Exact parameter names (lower case) mapped to why they are dropped. */
export const TRACKING_PARAMS: ReadonlyMap<string, string> = new Map([
  // Click identifiers appended by ad and social platforms on every outbound click.
  ['fbclid', 'Facebook click id'],
  ['gclid', 'Google Ads click id'],
  ['dclid', 'Google Display/Campaign Manager click id'],
  ['gbraid', 'Google Ads iOS app-to-web click id'],
  ['wbraid', 'Google Ads iOS web-to-app click id'],
  ['gclsrc', 'Google Ads click source'],
  ['msclkid', 'Microsoft Advertising click id'],
  ['yclid', 'Yandex Direct click id'],
  ['twclid', 'Twitter/X Ads click id'],
  ['ttclid', 'TikTok Ads click id'],
  ['li_fat_id', 'LinkedIn Ads first-party click id'],
  ['igshid', 'Instagram share id'],
  ['igsh', 'Instagram share id (newer short form)'],
  ['__twitter_impression', 'Twitter embed impression marker'],
  // Email and marketing-automation tools.
  ['mc_cid', 'Mailchimp campaign id'],
  ['mc_eid', 'Mailchimp subscriber id (also personal data)'],
  ['mkt_tok', 'Marketo email token (personal)'],
  ['_hsenc', 'HubSpot email tracking'],
  ['_hsmi', 'HubSpot email tracking'],
  ['hsctatracking', 'HubSpot call-to-action tracking'],
  ['vero_id', 'Vero email subscriber id'],
  ['vero_conv', 'Vero email conversion id'],
  ['oly_enc_id', 'Omeda subscriber id'],
  ['oly_anon_id', 'Omeda anonymous id'],
  ['sc_cid', 'Snapchat/Salesforce campaign id'],
  // Analytics cross-domain linkers.
  ['_ga', 'Google Analytics cross-domain linker'],
  ['_gl', 'Google Analytics 4 cross-domain linker'],
  ['_openstat', 'Openstat campaign marker'],
  // Referral markers added by sites and share buttons.
  ['ref', 'generic referrer marker (share buttons, aggregators)'],
  ['ref_src', 'Twitter/X referral source'],
  ['ref_url', 'Twitter/X referral URL'],
  ['referrer', 'generic referrer marker'],
  ['smid', 'New York Times share id'],
  ['smtyp', 'New York Times share type'],
  ['cmpid', 'campaign id (Guardian, Telegraph, many publishers)'],
  ['cmp', 'campaign marker (Guardian `CMP=share_btn_tw`)'],
  ['ocid', 'Microsoft/MSN outbound campaign id'],
  ['xtor', 'AT Internet (Piano) campaign marker, common on French publishers'],
  ['s_cid', 'Adobe Analytics campaign id'],
  ['s_kwcid', 'Adobe Advertising keyword id'],
  ['wt.mc_id', 'Webtrends campaign id'],
  ['wt_mc', 'Webtrends campaign id'],
  ['ns_mchannel', 'comScore campaign channel (BBC)'],
  ['ns_source', 'comScore campaign source (BBC)'],
  ['ns_campaign', 'comScore campaign (BBC)'],
  ['ns_linkname', 'comScore link name (BBC)'],
  ['ns_fee', 'comScore fee marker (BBC)'],
  ['at_medium', 'AT Internet medium'],
  ['at_campaign', 'AT Internet campaign'],
  ['guccounter', 'Yahoo consent redirect counter'],
  ['guce_referrer', 'Yahoo consent referrer'],
  ['guce_referrer_sig', 'Yahoo consent referrer signature'],
  ['spm', 'Alibaba/Aliexpress tracking marker'],
  ['share', 'share-button marker'],
  ['sr_share', 'share-button marker (Simplereach)'],
  ['fb_action_ids', 'Facebook Open Graph action ids'],
  ['fb_action_types', 'Facebook Open Graph action types'],
  ['fb_ref', 'Facebook referral marker'],
  ['fb_source', 'Facebook referral source'],
  ['action_object_map', 'Facebook Open Graph action map'],
  ['action_type_map', 'Facebook Open Graph action map'],
  ['action_ref_map', 'Facebook Open Graph action map'],
]);

/** Parameter name prefixes (lower case) whose whole family is tracking, with why. */
export const TRACKING_PARAM_PREFIXES: ReadonlyMap<string, string> = new Map([
  ['utm_', 'Google Analytics / Urchin campaign parameters (utm_source, utm_medium, ...)'],
  ['pk_', 'Matomo (Piwik) campaign parameters'],
  ['mtm_', 'Matomo campaign parameters (newer names)'],
  ['hmb_', 'HubSpot campaign parameters'],
  ['trk_', 'LinkedIn and others: tracking parameters'],
]);

/** Whether a query parameter name (as decoded) is a tracking parameter. */
export function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  if (TRACKING_PARAMS.has(lower)) return true;
  for (const prefix of TRACKING_PARAM_PREFIXES.keys()) {
    if (lower.startsWith(prefix)) return true;
  }
  return false;
}
