// For tests of the trend chart (chart.test.ts, reviews.test.ts): a strict well-formedness check of XML.

/**
 * A strict check that a string is well-formed XML: one root element, every tag closed in order,
 * attributes quoted and unique, no raw `<` or bare `&` in text or attribute values. Returns the
 * elements as a flat list (name, attributes, direct text) for the assertions.
 */
export function parseXml(xml: string): { name: string; attrs: Record<string, string>; text: string; parent: number }[] {
  const elements: { name: string; attrs: Record<string, string>; text: string; parent: number }[] = [];
  const stack: number[] = [];
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
  const checkText = (text: string, where: string) => {
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '<') throw new Error(`raw < in ${where}`);
      if (text[i] === '&') {
        entity.lastIndex = i;
        if (!entity.test(text)) throw new Error(`bare & in ${where}: ${text.slice(i, i + 12)}`);
      }
    }
  };
  let pos = 0;
  let roots = 0;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const text = lt === -1 ? xml.slice(pos) : xml.slice(pos, lt);
    if (text.length > 0) {
      checkText(text, 'text');
      if (stack.length === 0 && text.trim()) throw new Error('text outside the root element');
      if (stack.length > 0) elements[stack[stack.length - 1]!]!.text += text;
    }
    if (lt === -1) break;
    const gt = xml.indexOf('>', lt);
    if (gt === -1) throw new Error('unclosed tag');
    const tag = xml.slice(lt + 1, gt);
    pos = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open === undefined || elements[open]!.name !== name) throw new Error(`</${name}> closes ${open === undefined ? 'nothing' : elements[open]!.name}`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"]*")*)\s*$/.exec(body);
    if (!m) throw new Error(`malformed tag <${tag}>`);
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([A-Za-z_][\w.:-]*)="([^"]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`attribute ${a[1]} twice`);
      checkText(a[2]!, `attribute ${a[1]}`);
      attrs[a[1]!] = a[2]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
    }
    if (stack.length === 0) roots++;
    if (roots > 1) throw new Error('more than one root element');
    elements.push({ name: m[1]!, attrs, text: '', parent: stack.length ? stack[stack.length - 1]! : -1 });
    if (!selfClosing) stack.push(elements.length - 1);
  }
  if (stack.length > 0) throw new Error(`unclosed <${elements[stack[stack.length - 1]!]!.name}>`);
  if (roots !== 1) throw new Error('no root element');
  return elements;
}
