/**
 * Regular expressions kept as text in the dialog data (dialogs/*.yaml), compiled once: a message
 * is tested against dozens of them on every turn of the interview and the FAQ dialogs.
 */
const compiled = new Map<string, RegExp>();

export function pattern(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) compiled.set(source, (re = new RegExp(source, 'u')));
  return re;
}
