/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';

/**
 * What sticks out sideways: the document's scroll width against the viewport's, and every
 * visible element whose box leaves the viewport (one line each, with its text, to find it).
 */
export function horizontalOverflow(page: Page): Promise<{ viewport: number; scrollWidth: number; outside: string[] }> {
  return page.evaluate(() => {
    const viewport = window.innerWidth;
    const outside: string[] = [];
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || !element.checkVisibility({ visibilityProperty: true })) continue;
      if (box.left < -0.5 || box.right > viewport + 0.5) {
        const text = (element.textContent ?? '').trim().slice(0, 40);
        outside.push(`<${element.tagName.toLowerCase()} class="${element.className}"> ${Math.round(box.left)}..${Math.round(box.right)} "${text}"`);
      }
    }
    return { viewport, scrollWidth: document.documentElement.scrollWidth, outside };
  });
}

/**
 * Text whose colour is too close to what is behind it (WCAG AA: 4.5:1, 3:1 for large text),
 * for every visible element that holds text itself. The background is the nearest ancestor's
 * opaque background colour: the page uses no background images.
 */
export function lowContrastText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgb = (color: string) => (color.match(/[\d.]+/g) ?? []).map(Number);
    const channel = (value: number) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const backgroundOf = (element: Element | null): number[] => {
      for (let at = element; at; at = at.parentElement) {
        const [r, g, b, alpha = 1] = rgb(getComputedStyle(at).backgroundColor);
        if (alpha > 0.5) return [r!, g!, b!];
      }
      return [255, 255, 255];
    };
    const problems: string[] = [];
    for (const element of document.body.querySelectorAll('*')) {
      const ownText = [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent!.trim() !== '');
      if (!ownText || !element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const style = getComputedStyle(element);
      const [fg, bg] = [luminance(rgb(style.color)), luminance(backgroundOf(element))];
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        problems.push(`${ratio.toFixed(2)}:1 "${element.textContent!.trim().slice(0, 40)}" (${style.color} on rgb(${backgroundOf(element).join(', ')}))`);
      }
    }
    return problems;
  });
}
