"""Does the page fit the browser's width? When it does not, the failure names the elements
that stick out, so a red run on another machine says what to fix without a screenshot."""

from __future__ import annotations

from playwright.sync_api import Page

# Elements whose right edge passes the window, innermost first: an element is left out when
# one of its descendants sticks out too, since the child is the one to fix.
_OFFENDERS = """() => {
  const width = window.innerWidth;
  const out = [...document.body.querySelectorAll('*')].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 0.5;
  });
  const innermost = out.filter((el) => !out.some((other) => other !== el && el.contains(other)));
  return {
    scroll: document.documentElement.scrollWidth,
    width,
    offenders: innermost.slice(0, 6).map((el) => {
      const box = el.getBoundingClientRect();
      const id = el.id ? '#' + el.id : '';
      const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
      const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
      return `${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(box.right)} "${text}"`;
    }),
  };
}"""


def assert_fits(page: Page) -> None:
    """Fails when the page scrolls sideways, naming what sticks out."""
    found = page.evaluate(_OFFENDERS)
    assert found["scroll"] <= found["width"], (
        f"page is {found['scroll']} px wide in a {found['width']} px window: "
        + "; ".join(found["offenders"] or ["(nothing visible sticks out)"])
    )
