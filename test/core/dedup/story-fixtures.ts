/** Hand-written story paragraphs shared by the dedup unit tests (not generated: readable cases). */
export const STORY_A = [
  'Three people were killed and eleven injured when a fuel tanker exploded on the ring road outside the northern port city early on Monday, the regional governor said.',
  'Firefighters battled the blaze for more than four hours before bringing it under control, and traffic on the main route to the harbour was diverted through the old town.',
  'The driver of the tanker was among the dead, according to a statement from the emergency services, which said two of the injured were in a critical condition.',
  'Police have opened an investigation into the cause of the explosion and asked witnesses who filmed the scene to come forward with their recordings.',
  'The ring road carries about 60,000 vehicles a day and has been the scene of several serious accidents since it was widened in 2019, local officials said.',
  'The governor declared a day of mourning and said the region would pay for the funerals of the victims and the treatment of the injured.',
];

export const STORY_B = [
  'The central bank left its benchmark interest rate unchanged at 4.5 percent on Thursday, saying inflation was easing more slowly than it had expected in the spring.',
  'Policymakers voted seven to two to hold rates, with the two dissenters favouring a quarter-point cut to support a labour market that has begun to cool.',
  'The bank raised its forecast for consumer price growth this year to 3.1 percent, citing higher energy bills and the lagged effect of a weaker currency.',
  'Markets had priced in a small chance of a cut, and the currency rose half a percent against the dollar after the decision was published.',
  'The governor told reporters the bank would not hesitate to act if wage growth slowed faster than projected, but that the risks remained tilted upwards.',
];

/** A stock sentence that unrelated stories on different hosts share. */
export const STOCK_PARAGRAPH = 'The company did not immediately respond to a request for comment on Monday.';
